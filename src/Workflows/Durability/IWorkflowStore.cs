using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// Where durable runs keep their state: runs, completed steps and events. One implementation per database
/// (SQLite embedded, PostgreSQL shared); all behave the same, as the store conformance tests require.
/// </summary>
/// <remarks>
/// Every write that changes a run's status or records a step is conditional on the caller still owning the
/// run (its <c>owner</c> and an unexpired lease), so two processes can never both record a run's outcome,
/// and a run is completed exactly once.
/// </remarks>
public interface IWorkflowStore
{
    /// <summary>
    /// Creates the run, owned by <paramref name="owner"/> until <paramref name="leaseUntil"/>, unless a run with
    /// the same id exists: then returns that run untouched (<see cref="StartResult.Created"/> false). Run ids
    /// are idempotency keys. A queued run (<see cref="NewRun.IsQueued"/>: it has limits across runs or a priority) is
    /// created <see cref="RunStatus.Pending"/> instead, for a claim to admit within its limits, and reserved for
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>: until then only that owner claims it (the caller that
    /// waits for its turn), and <see cref="SetStatusAsync"/> to pending releases it to every claimer.
    /// </summary>
    ValueTask<StartResult> StartRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>The run, or null when there is none with this id.</summary>
    ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The run's step records, in the order they were recorded.</summary>
    ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records steps in one transaction, if <paramref name="owner"/> still holds the run's lease: started
    /// (<see cref="StepStatus.Running"/>), succeeded, failed or skipped. A step (run, step id, item index) has one
    /// record: a later record replaces a running, failed or skipped one (keeping its place in the order), while a
    /// succeeded or compensated record is final: recording over it returns false and changes nothing. Returns false
    /// when the lease was lost (the caller must stop).
    /// </summary>
    ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a run the caller owns to a final status (<see cref="RunStatus.Succeeded"/>, <see cref="RunStatus.Failed"/>,
    /// <see cref="RunStatus.Cancelled"/>) with its outputs or error, and releases it. Returns false when the run
    /// is not <see cref="RunStatus.Running"/> or not owned by <paramref name="owner"/>: the outcome is recorded once.
    /// A pending request is cleared: a run that finished before its owner saw a pause is succeeded, not paused.
    /// </summary>
    ValueTask<bool> CompleteRunAsync(string runId, string owner, RunStatus status, string? outputsJson, string? errorMessage, CancellationToken cancellationToken = default);

    /// <summary>
    /// The owner leaves its run without finishing it: moves it from <see cref="RunStatus.Running"/> to
    /// <see cref="RunStatus.Pending"/> (released for anyone to continue), <see cref="RunStatus.Paused"/> (it applied a
    /// pause request, which is cleared) or <see cref="RunStatus.Waiting"/>, and clears its owner and lease. Returns false,
    /// changing nothing, when <paramref name="owner"/> no longer holds the run's lease.
    /// </summary>
    ValueTask<bool> ReleaseRunAsync(string runId, string owner, RunStatus status, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an operator's request on a <see cref="RunStatus.Running"/> run, for its owner to apply
    /// (<see cref="RunRecord.Requested"/>). A cancel request replaces a pause request, never the other way round;
    /// <paramref name="control"/> null withdraws a pause request (a resume before the owner noticed the pause). Returns
    /// false when the run is not running (or, for a withdrawal, had no pause request).
    /// </summary>
    ValueTask<bool> RequestAsync(string runId, RunControl? control, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease of a run the caller owns; false when it no longer does.</summary>
    ValueTask<bool> RenewLeaseAsync(string runId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="max"/> runs that need an owner: <see cref="RunStatus.Running"/> runs whose lease
    /// expired before <paramref name="now"/> (their owner died) and <see cref="RunStatus.Pending"/> runs (resumed or
    /// retried). Claimed runs are <see cref="RunStatus.Running"/>, owned by <paramref name="owner"/> until
    /// <paramref name="leaseUntil"/>. Two concurrent callers never claim the same run. Higher priorities are claimed
    /// first, then older runs. A pending run that was never admitted and has limits (<see cref="NewRun.Limits"/>) is
    /// claimed only within them: fewer than <see cref="RunLimits.Concurrency"/> admitted, unfinished runs of its
    /// workflow and concurrency key, and fewer than <see cref="RunLimits.RateCount"/> admissions of its workflow in the
    /// last <see cref="RunLimits.RatePeriod"/>, however many processes claim at once.
    /// </summary>
    ValueTask<IReadOnlyList<RunRecord>> ClaimRunsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, string? workflowName = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims one run like <see cref="ClaimRunsAsync"/> does (when it is <see cref="RunStatus.Pending"/>, or
    /// <see cref="RunStatus.Running"/> with a lease expired before <paramref name="now"/>): for resuming a run by
    /// its id. Null when the run cannot be claimed (finished, paused, owned by a live process, or queued behind its
    /// limits: it is admitted only when its turn comes, as <see cref="ClaimRunsAsync"/> would admit it).
    /// </summary>
    ValueTask<RunRecord?> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets a run's status to <paramref name="status"/> from the outside (pause, resume, cancel, retry), when the
    /// run is in one of <paramref name="from"/>. Returns false when it was not. Clears the owner when moving to
    /// <see cref="RunStatus.Pending"/>, <see cref="RunStatus.Paused"/> or a final status, and clears a request.
    /// The caller keeps to <see cref="RunTransitions"/>: from <see cref="RunStatus.Running"/> only once the lease expired.
    /// </summary>
    ValueTask<bool> SetStatusAsync(string runId, RunStatus status, IReadOnlyList<RunStatus> from, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the failed and the compensated step records of a run (before it is retried from its failed steps):
    /// a compensated step was undone, so the retry runs it again.
    /// </summary>
    ValueTask DeleteFailedStepsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the succeeded records of step <paramref name="stepId"/> (every item of a <c>foreach</c>) as
    /// <see cref="StepStatus.Compensated"/>: its <c>compensate:</c> action undid it, so it no longer counts as
    /// completed when the run is resumed or retried.
    /// </summary>
    ValueTask MarkCompensatedAsync(string runId, string stepId, CancellationToken cancellationToken = default);

    /// <summary>Runs matching the query, newest first.</summary>
    ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the finished runs (see <see cref="PurgeQuery.Statuses"/>) that completed before
    /// <see cref="PurgeQuery.CompletedBefore"/>, with their steps and events, in one transaction. A run that has
    /// not finished (pending, running, paused) is never deleted, however old.
    /// </summary>
    /// <returns>How many runs were deleted.</returns>
    ValueTask<int> PurgeRunsAsync(PurgeQuery query, CancellationToken cancellationToken = default);

    /// <summary>Appends an event to the run's history.</summary>
    ValueTask AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken = default);

    /// <summary>The run's events, oldest first.</summary>
    ValueTask<IReadOnlyList<RunEvent>> GetEventsAsync(string runId, CancellationToken cancellationToken = default);
}

/// <summary>What starting a durable run needs to record.</summary>
/// <param name="RunId">The caller's id (an idempotency key), or a new one.</param>
/// <param name="WorkflowName">The workflow's <c>name:</c>.</param>
/// <param name="DefinitionHash">A hash of the workflow's definition, to detect changes on resume.</param>
/// <param name="InputsJson">The run's inputs as JSON; null when the workflow has none.</param>
/// <param name="CreatedAt">When the run was started.</param>
public sealed record NewRun(string RunId, string WorkflowName, string DefinitionHash, string? InputsJson, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The workflow's limits across runs; null when it has none. A run with limits is created
    /// <see cref="RunStatus.Pending"/> and queued: it is admitted (claimed) only within its limits.
    /// </summary>
    public RunLimits? Limits { get; init; }

    /// <summary>The run's concurrency group within the workflow (<see cref="RunLimits.Concurrency"/>); empty for the whole workflow.</summary>
    public string ConcurrencyKey { get; init; } = string.Empty;

    /// <summary>Higher runs are admitted and claimed first; 0 by default.</summary>
    public int Priority { get; init; }

    /// <summary>True when the run is created pending and queued for admission instead of running at once.</summary>
    public bool IsQueued => Limits is not null || Priority != 0 || ConcurrencyKey.Length != 0;
}

/// <summary>The outcome of <see cref="IWorkflowStore.StartRunAsync"/>.</summary>
/// <param name="Run">The run: new, or the one that already had this id.</param>
/// <param name="Created">True when this call created it.</param>
public sealed record StartResult(RunRecord Run, bool Created);

/// <summary>A durable run as stored.</summary>
public sealed record RunRecord(
    string RunId,
    string WorkflowName,
    string DefinitionHash,
    RunStatus Status,
    string? InputsJson,
    string? OutputsJson,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    string? Owner,
    DateTimeOffset? LeaseUntil)
{
    /// <summary>What an operator asked of this running run, for its owner to apply; null when nothing.</summary>
    public RunControl? Requested { get; init; }

    /// <summary>Higher runs are admitted and claimed first (<c>priority:</c>); 0 by default.</summary>
    public int Priority { get; init; }

    /// <summary>The run's concurrency group within its workflow (<c>concurrency: key</c>); empty for none.</summary>
    public string ConcurrencyKey { get; init; } = string.Empty;

    /// <summary>True for a pending run that waits for a slot within its workflow's limits (never admitted, or retried).</summary>
    public bool QueuedForSlot { get; init; }
}

/// <summary>One recorded step (or one item of a <c>foreach</c> step).</summary>
/// <param name="RunId">The run.</param>
/// <param name="StepId">The step's id.</param>
/// <param name="ItemIndex">The foreach item, or -1 for the whole step.</param>
/// <param name="Signature">What the step was when recorded (action and output type), to refuse resuming a changed definition.</param>
/// <param name="Attempts">How many attempts it took.</param>
/// <param name="Status"><see cref="StepStatus.Succeeded"/>, <see cref="StepStatus.Failed"/> or <see cref="StepStatus.Skipped"/>.</param>
/// <param name="OutputJson">Its output as JSON; null for steps without one.</param>
/// <param name="Error">The failure's message, for a failed step.</param>
/// <param name="StartedAt">When its first attempt started.</param>
/// <param name="CompletedAt">When it finished.</param>
public sealed record StepRecord(
    string RunId,
    string StepId,
    int ItemIndex,
    string Signature,
    int Attempts,
    StepStatus Status,
    string? OutputJson,
    string? Error,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt);

/// <summary>An entry of a run's history.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Sequence">Assigned by the store (0 when appending).</param>
/// <param name="At">When it happened.</param>
/// <param name="Kind">For example <c>started</c>, <c>step-completed</c>, <c>paused</c>.</param>
/// <param name="StepId">The step it concerns, if any.</param>
/// <param name="Detail">Free text: an error, a reason.</param>
public sealed record RunEvent(string RunId, long Sequence, DateTimeOffset At, string Kind, string? StepId, string? Detail);

/// <summary>A filter for <see cref="IWorkflowStore.ListRunsAsync"/>; null members match everything.</summary>
public sealed record RunQuery(string? WorkflowName = null, RunStatus? Status = null, DateTimeOffset? CreatedAfter = null, DateTimeOffset? CreatedBefore = null, int Limit = 100);

/// <summary>Which finished runs <see cref="IWorkflowStore.PurgeRunsAsync"/> deletes.</summary>
/// <param name="CompletedBefore">Runs that completed before this time.</param>
/// <param name="WorkflowName">Only runs of this workflow; null for every workflow.</param>
/// <param name="Status">Only runs that ended so (succeeded, failed or cancelled); null for all three.</param>
public sealed record PurgeQuery(DateTimeOffset CompletedBefore, string? WorkflowName = null, RunStatus? Status = null)
{
    private static readonly RunStatus[] s_finished = { RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled };

    /// <summary>The statuses to delete: <see cref="Status"/>, or every finished one.</summary>
    /// <exception cref="ArgumentException"><see cref="Status"/> is not a finished status.</exception>
    public IReadOnlyList<RunStatus> Statuses => Status switch
    {
        null => s_finished,
        RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled => new[] { Status.Value },
        _ => throw new ArgumentException($"Only finished runs can be purged (succeeded, failed or cancelled), not {Status.Value.ToString().ToLowerInvariant()} ones.", nameof(Status)),
    };
}

/// <summary>Where a durable run stands.</summary>
public enum RunStatus
{
    /// <summary>Waiting for an owner: resumed, or retried, and not yet claimed.</summary>
    Pending,

    /// <summary>Owned by a process that runs it (or did, until its lease expires).</summary>
    Running,

    /// <summary>Paused: no process runs it; it resumes as <see cref="Pending"/>.</summary>
    Paused,

    /// <summary>Finished: every step succeeded or was skipped.</summary>
    Succeeded,

    /// <summary>Finished: a step failed. It can be retried from its failed steps.</summary>
    Failed,

    /// <summary>Finished: cancelled.</summary>
    Cancelled,

    /// <summary>
    /// Waiting for a signal or a timer (<c>signal:</c>, <c>sleep:</c> steps), with no owner: claimable again once
    /// the signal arrives or the time comes.
    /// </summary>
    Waiting,
}
