using System;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability.Tests;

[JsonSerializable(typeof(string))]
public sealed partial class SteeringJson : JsonSerializerContext
{
}

/// <summary>
/// The steps of <c>steered.workflow.yaml</c>: each tells the test it started, then waits for the test to let it
/// finish (or for its token). A step named in <c>fail_at</c> throws.
/// </summary>
public sealed class SteeringActions
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _release = new();

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Steps that finish at once, without waiting for <see cref="Release"/>.</summary>
    public ConcurrentDictionary<string, bool> Free { get; } = new();

    /// <summary>Called inside each step after it entered, before it waits (a test moves its clock here).</summary>
    public Action<string>? OnEnter { get; set; }

    public Task Entered(string step) => Gate(_entered, step).Task;

    public void Release(string step) => Gate(_release, step).TrySetResult();

    [WorkflowAction("steer.step")]
    public async Task<string> StepAsync(string name, string failAt, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        OnEnter?.Invoke(name);
        Gate(_entered, name).TrySetResult();
        if (!Free.ContainsKey(name))
        {
            await Gate(_release, name).Task.WaitAsync(cancellationToken);
        }

        if (name == failAt)
        {
            throw new InvalidOperationException($"step {name} failed on purpose");
        }

        return "done " + name;
    }

    private static TaskCompletionSource Gate(ConcurrentDictionary<string, TaskCompletionSource> gates, string step)
        => gates.GetOrAdd(step, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
