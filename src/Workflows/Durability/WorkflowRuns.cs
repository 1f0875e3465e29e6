using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// Controls and inspects durable runs in a store: pause, resume, cancel, retry, history. Every change is a move of
/// <see cref="RunTransitions"/>, made by a conditional update from the status it expects. A run that a live process
/// is running is not moved from here: a pause or a cancel is recorded as a request (<see cref="RunRecord.Requested"/>)
/// that the process applies within <see cref="WorkflowOptions.ControlInterval"/> (a pause at the next step
/// boundary: running steps finish; a cancel at once: the running actions' tokens are cancelled).
/// </summary>
public sealed class WorkflowRuns
{
    private static readonly RunStatus[] s_running = { RunStatus.Running };

    private readonly IWorkflowStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the controller over a store.</summary>
    public WorkflowRuns(IWorkflowStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The definition hash of a run recorded only for its history (<see cref="WorkflowOptions.History"/>, a workflow
    /// that is not durable): it is listed and shown like any run, and cannot be resumed or retried.
    /// </summary>
    public const string HistoryOnlyHash = "history-only";

    /// <summary>Who steers through this instance (a user name, a service): recorded with each change in the run's history.</summary>
    public string? Actor { get; init; }

    /// <summary>
    /// Pauses a run: a pending or waiting run at once; a running run at its next step boundary (the request is
    /// recorded and its process applies it). False when the run is in no state to pause (finished, paused, unknown).
    /// </summary>
    public ValueTask<bool> PauseAsync(string runId, CancellationToken cancellationToken = default)
        => SteerAsync(runId, RunStatus.Paused, RunControl.Pause, "paused", "pause-requested", cancellationToken);

    /// <summary>
    /// Makes a paused run pending again (the next <c>RecoverAsync</c>, host or <c>resume</c> continues it), or
    /// withdraws a pause its process has not applied yet. False when there is nothing to resume.
    /// </summary>
    public async ValueTask<bool> ResumeAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (await ChangeAsync(runId, RunStatus.Pending, RunTransitions.From(RunStatus.Pending, RunActor.Operator).Except(Retryable), "resumed", cancellationToken).ConfigureAwait(false))
        {
            await RunnableNotice.SendAsync(_store, string.Empty).ConfigureAwait(false);
            return true;
        }

        return await _store.RequestAsync(runId, null, cancellationToken).ConfigureAwait(false)
            && await EventAsync(runId, "pause-withdrawn", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a run that has not finished: a pending, paused or waiting run at once; a running run through its
    /// process, which cancels the running actions' tokens, runs compensations and records it cancelled. False when
    /// the run already finished (or is unknown).
    /// </summary>
    public ValueTask<bool> CancelAsync(string runId, CancellationToken cancellationToken = default)
        => SteerAsync(runId, RunStatus.Cancelled, RunControl.Cancel, "cancelled", "cancel-requested", cancellationToken);

    /// <summary>
    /// Makes a failed or cancelled run pending again, keeping its completed steps: when it continues, only the steps
    /// that did not complete (failed, compensated, cancelled, and those after them) run.
    /// </summary>
    public async ValueTask<bool> RetryAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { Status: RunStatus.Failed or RunStatus.Cancelled } run
            || run.DefinitionHash == HistoryOnlyHash)
        {
            return false;
        }

        await _store.DeleteFailedStepsAsync(runId, cancellationToken).ConfigureAwait(false);
        if (!await ChangeAsync(runId, RunStatus.Pending, Retryable, "retried", cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await RunnableNotice.SendAsync(_store, run.WorkflowName).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Sends signal <paramref name="name"/> to run <paramref name="runId"/>: stored once, it wakes the run if it waits
    /// for it, and is otherwise kept until a step of the run waits for it. Prefer the generated, typed
    /// <c>Send...Async</c> methods, which serialize the payload with the workflow's json_context.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="name">The signal's name, as its <c>signal:</c> step writes it.</param>
    /// <param name="payloadJson">The payload as JSON; null for none.</param>
    /// <param name="signalId">Makes a resend idempotent: a second signal with this id is ignored. A new id when null.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>False when a signal with <paramref name="signalId"/> was sent before (nothing changed).</returns>
    /// <exception cref="WorkflowSignalRefusedException">The run does not exist or has finished.</exception>
    /// <exception cref="ArgumentException"><paramref name="payloadJson"/> is not JSON.</exception>
    public async ValueTask<bool> SignalAsync(string runId, string name, string? payloadJson = null, string? signalId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (payloadJson is not null)
        {
            try
            {
                using var _ = System.Text.Json.JsonDocument.Parse(payloadJson);
            }
            catch (System.Text.Json.JsonException exception)
            {
                throw new ArgumentException($"The payload of signal '{name}' is not JSON: {exception.Message}", nameof(payloadJson));
            }
        }

        var store = _store as IWorkflowSignalStore ?? throw new NotSupportedException($"The workflow store {_store.GetType().Name} does not keep signals: use the SQLite or PostgreSQL store.");
        var now = _time.GetUtcNow();
        var delivery = await store.SendSignalAsync(new NewSignal(runId, name, signalId ?? Guid.NewGuid().ToString("N"), payloadJson, now), cancellationToken).ConfigureAwait(false);
        switch (delivery)
        {
            case SignalDelivery.RunNotFound:
                throw new WorkflowSignalRefusedException(runId, name, $"there is no run '{runId}'");
            case SignalDelivery.RunFinished:
                var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
                throw new WorkflowSignalRefusedException(runId, name, $"run '{runId}' has finished ({run?.Status.ToString().ToLowerInvariant() ?? "finished"})");
            case SignalDelivery.Duplicate:
                return false;
        }

        await _store.AppendEventAsync(new RunEvent(runId, 0, now, "signal-sent", null, name), cancellationToken).ConfigureAwait(false);
        await RunnableNotice.SendAsync(_store, string.Empty).ConfigureAwait(false);
        return true;
    }

    /// <summary>What a waiting run waits for; null when the run does not wait (or the store keeps no waits).</summary>
    public async ValueTask<RunWait?> GetWaitAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (_store is not IWorkflowSignalStore store || (await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false))?.Status != RunStatus.Waiting)
        {
            return null;
        }

        return await store.GetWaitAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    private static RunStatus[] Retryable => new[] { RunStatus.Failed, RunStatus.Cancelled };

    /// <summary>Runs matching the query, newest first.</summary>
    public ValueTask<IReadOnlyList<RunRecord>> ListAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
        => _store.ListRunsAsync(query ?? new RunQuery(), cancellationToken);

    /// <summary>
    /// Deletes finished runs (succeeded, failed, cancelled) that completed before <paramref name="completedBefore"/>,
    /// with their steps and events. Runs that have not finished are never deleted.
    /// </summary>
    /// <param name="completedBefore">Runs that completed before this time.</param>
    /// <param name="workflowName">Only runs of this workflow; null for all.</param>
    /// <param name="status">Only runs that ended so; null for every finished status.</param>
    /// <param name="cancellationToken">Cancels the purge (nothing is deleted then: it is one transaction).</param>
    /// <returns>How many runs were deleted.</returns>
    public ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, string? workflowName = null, RunStatus? status = null, CancellationToken cancellationToken = default)
        => _store.PurgeRunsAsync(new PurgeQuery(completedBefore, workflowName, status), cancellationToken);

    /// <summary>One run with its step records and history; null when there is no such run.</summary>
    public async ValueTask<RunDetails?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var steps = await _store.GetStepsAsync(runId, cancellationToken).ConfigureAwait(false);
        var events = await _store.GetEventsAsync(runId, cancellationToken).ConfigureAwait(false);
        return new RunDetails(run, steps, events);
    }

    /// <summary>
    /// Pause or cancel: moves a run nobody runs at once; for a running run, records the request for its owner, unless
    /// the owner's lease expired (it is gone, and nobody else would apply the request).
    /// </summary>
    private async ValueTask<bool> SteerAsync(string runId, RunStatus to, RunControl request, string kind, string requestedKind, CancellationToken cancellationToken)
    {
        var idle = Array.FindAll(RunTransitions.From(to, RunActor.Operator), static from => from != RunStatus.Running);
        if (await ChangeAsync(runId, to, idle, kind, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var run = await _store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is not { Status: RunStatus.Running })
        {
            return false;
        }

        if (run.LeaseUntil is not { } lease || lease <= _time.GetUtcNow())
        {
            return await ChangeAsync(runId, to, s_running, kind, cancellationToken).ConfigureAwait(false);
        }

        return await _store.RequestAsync(runId, request, cancellationToken).ConfigureAwait(false)
            && await EventAsync(runId, requestedKind, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<bool> ChangeAsync(string runId, RunStatus status, IEnumerable<RunStatus> from, string kind, CancellationToken cancellationToken)
    {
        var expected = from as IReadOnlyList<RunStatus> ?? new List<RunStatus>(from);
        return await _store.SetStatusAsync(runId, status, expected, cancellationToken).ConfigureAwait(false)
            && await EventAsync(runId, kind, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<bool> EventAsync(string runId, string kind, CancellationToken cancellationToken)
    {
        await _store.AppendEventAsync(new RunEvent(runId, 0, _time.GetUtcNow(), kind, null, Actor is null ? null : "by " + Runtime.SecretRedactor.Redact(Actor)), cancellationToken).ConfigureAwait(false);
        return true;
    }
}

/// <summary>A run with its step records and history.</summary>
public sealed record RunDetails(RunRecord Run, IReadOnlyList<StepRecord> Steps, IReadOnlyList<RunEvent> Events);
