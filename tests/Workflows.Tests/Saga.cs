using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Tests;

/// <summary>Actions with undo actions, for compensation tests. Every call is logged in order.</summary>
public sealed class Saga
{
    public ConcurrentQueue<string> Log { get; } = new();

    public HashSet<string> FailOn { get; } = new();

    public HashSet<string> UndoFailOn { get; } = new();

    /// <summary>Per step name: a task the step waits for before it completes.</summary>
    public ConcurrentDictionary<string, Task> WaitFor { get; } = new();

    /// <summary>Per step name: completed when the step has completed.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Done { get; } = new();

    [WorkflowAction("saga.do")]
    public async Task<string> DoAsync(string name, CancellationToken cancellationToken)
    {
        if (WaitFor.TryGetValue(name, out var gate))
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (FailOn.Contains(name))
        {
            throw new InvalidOperationException(name + " broke");
        }

        Log.Enqueue("do " + name);
        Done.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return "r-" + name;
    }

    [WorkflowAction("saga.undo")]
    public ValueTask UndoAsync(string name, string receipt)
    {
        if (UndoFailOn.Contains(name))
        {
            throw new InvalidOperationException("undo " + name + " broke");
        }

        Log.Enqueue($"undo {name} {receipt}");
        return ValueTask.CompletedTask;
    }

    [WorkflowAction("saga.alert")]
    public void Alert(string text)
    {
        if (FailOn.Contains("alert"))
        {
            throw new InvalidOperationException("alert broke");
        }

        Log.Enqueue("alert " + text);
    }
}
