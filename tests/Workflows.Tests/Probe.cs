using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Tests;

/// <summary>
/// The action every runtime test workflow calls. Each test decides what a step does through
/// <see cref="Behavior"/>, and reads back what ran, in which order, and with which token.
/// </summary>
public sealed class Probe
{
    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<string> Finished { get; } = new();

    public ConcurrentDictionary<string, CancellationToken> Tokens { get; } = new();

    public Func<string, CancellationToken, Task> Behavior { get; set; } = static (_, _) => Task.CompletedTask;

    /// <summary>Called with the step's name once it is in <see cref="Finished"/>: lets a test wait for that state.</summary>
    public Action<string>? AfterFinished { get; set; }

    [WorkflowAction("probe.run")]
    public async Task RunAsync(string name, CancellationToken cancellationToken)
    {
        Started.Enqueue(name);
        Tokens[name] = cancellationToken;
        await Behavior(name, cancellationToken);
        Finished.Enqueue(name);
        AfterFinished?.Invoke(name);
    }
}

/// <summary>Synchronous static actions: a run of them must allocate nothing.</summary>
public static class SyncActions
{
    public static int Calls;

    [WorkflowAction("sync.noop")]
    public static void Noop() => Interlocked.Increment(ref Calls);

    [WorkflowAction("sync.add")]
    public static int Add(int left, int right) => left + right;

    [WorkflowAction("sync.fail")]
    public static int Fail(string message) => throw new InvalidOperationException(message);
}

/// <summary>Actions that return a task without being async methods.</summary>
public static class TaskActions
{
    /// <summary>Set by <c>task.set_local</c>, read by <c>task.see_local</c>.</summary>
    public static readonly AsyncLocal<string?> Local = new();

    /// <summary>What each <c>task.see_local</c> step saw: the async local, and whether a step method called it.</summary>
    public static readonly ConcurrentQueue<(string Step, string? Local, bool InStepMethod)> Seen = new();

    [WorkflowAction("task.set_local")]
    public static Task SetLocalAsync(string value)
    {
        Local.Value = value;
        return Task.CompletedTask;
    }

    [WorkflowAction("task.see_local")]
    public static Task SeeLocalAsync(string step)
    {
        Seen.Enqueue((step, Local.Value, new System.Diagnostics.StackTrace().ToString().Contains("StepAsync", StringComparison.Ordinal)));
        return Task.CompletedTask;
    }

    /// <summary>Throws on the caller's thread, before any task exists.</summary>
    [WorkflowAction("task.throw_now")]
    public static Task ThrowNowAsync(string message) => throw new InvalidOperationException(message);
}
