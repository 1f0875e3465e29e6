using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// A store that passes every call to another: derive from it to add behaviour to a few operations (metrics, fault
/// injection in tests, a cache) without writing the others, as <c>DelegatingHandler</c> does for HTTP.
/// </summary>
public abstract class DelegatingWorkflowStore : IWorkflowStore, IWorkflowWakeups
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected DelegatingWorkflowStore(IWorkflowStore inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The store every call goes to.</summary>
    protected IWorkflowStore Inner { get; }

    /// <inheritdoc />
    public virtual ValueTask<StartResult> StartRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => Inner.StartRunAsync(run, owner, leaseUntil, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default) => Inner.GetRunAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default) => Inner.GetStepsAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default) => Inner.RecordStepsAsync(runId, owner, steps, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> CompleteRunAsync(string runId, string owner, RunStatus status, string? outputsJson, string? errorMessage, CancellationToken cancellationToken = default) => Inner.CompleteRunAsync(runId, owner, status, outputsJson, errorMessage, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> ReleaseRunAsync(string runId, string owner, RunStatus status, CancellationToken cancellationToken = default) => Inner.ReleaseRunAsync(runId, owner, status, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> RequestAsync(string runId, RunControl? control, CancellationToken cancellationToken = default) => Inner.RequestAsync(runId, control, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> RenewLeaseAsync(string runId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => Inner.RenewLeaseAsync(runId, owner, leaseUntil, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<RunRecord>> ClaimRunsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, string? workflowName = null, CancellationToken cancellationToken = default) => Inner.ClaimRunsAsync(owner, now, leaseUntil, max, workflowName, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<RunRecord?> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => Inner.TryClaimRunAsync(runId, owner, now, leaseUntil, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> SetStatusAsync(string runId, RunStatus status, IReadOnlyList<RunStatus> from, CancellationToken cancellationToken = default) => Inner.SetStatusAsync(runId, status, from, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask DeleteFailedStepsAsync(string runId, CancellationToken cancellationToken = default) => Inner.DeleteFailedStepsAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask MarkCompensatedAsync(string runId, string stepId, CancellationToken cancellationToken = default) => Inner.MarkCompensatedAsync(runId, stepId, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default) => Inner.ListRunsAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<int> PurgeRunsAsync(PurgeQuery query, CancellationToken cancellationToken = default) => Inner.PurgeRunsAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken = default) => Inner.AppendEventAsync(runEvent, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<RunEvent>> GetEventsAsync(string runId, CancellationToken cancellationToken = default) => Inner.GetEventsAsync(runId, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask NotifyRunnableAsync(string workflowName, CancellationToken cancellationToken = default)
        => Inner is IWorkflowWakeups wakeups ? wakeups.NotifyRunnableAsync(workflowName, cancellationToken) : ValueTask.CompletedTask;

    /// <inheritdoc />
    /// <remarks>A store without wake-ups sends none: this waits for the token, and hosts poll.</remarks>
    public virtual Task ListenAsync(Action<string> onRunnable, CancellationToken cancellationToken)
        => Inner is IWorkflowWakeups wakeups ? wakeups.ListenAsync(onRunnable, cancellationToken) : WaitForCancellationAsync(cancellationToken);

    private static async Task WaitForCancellationAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
