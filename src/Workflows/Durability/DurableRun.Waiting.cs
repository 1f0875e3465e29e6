using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// Waiting: a <c>signal:</c> step consumes a stored signal or leaves the run waiting for it; a <c>sleep:</c> step
/// leaves it until its wake-up time. Leaving means throwing <see cref="WorkflowRunWaitingException"/>, which stops
/// the run like a pause (running steps finish, none starts), after which <see cref="FailAsync"/> records the
/// run as <see cref="RunStatus.Waiting"/> with no owner: nothing of it stays in memory.
/// </summary>
public sealed partial class DurableRun
{
    private readonly object _waitGate = new();
    private List<string>? _waitingSignals;
    private DateTimeOffset? _waitSince;
    private DateTimeOffset? _wakeAt;

    private IWorkflowSignalStore SignalStore => _store as IWorkflowSignalStore
        ?? throw new NotSupportedException($"The workflow store {_store.GetType().Name} cannot keep waiting runs (signal: and sleep: steps): use the SQLite or PostgreSQL store.");

    /// <summary>
    /// The payload JSON of the signal step <paramref name="stepId"/> consumed: restored when an earlier execution
    /// consumed it, else taken from the stored signals (and the step recorded with it, in one transaction).
    /// When no signal is there, the run leaves to wait for it.
    /// </summary>
    /// <exception cref="WorkflowRunWaitingException">No signal yet: the run leaves.</exception>
    /// <exception cref="WorkflowSignalTimeoutException">The step's timeout passed first.</exception>
    public async ValueTask<string?> WaitForSignalAsync(string stepId, string signature, string signalName, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (TryGetCompleted(stepId, -1, out var restored))
        {
            return restored;
        }

        ThrowIfPaused();
        var store = SignalStore;
        var now = _options.TimeProvider.GetUtcNow();
        var wait = await store.BeginWaitAsync(RunId, stepId, signalName, now, timeout is { } limit ? now + limit : null, cancellationToken).ConfigureAwait(false);
        var record = new StepRecord(RunId, stepId, -1, signature, 1, StepStatus.Succeeded, null, null, wait.Since, now);
        var consumed = await store.ConsumeSignalAsync(RunId, _options.Owner, signalName, record, cancellationToken).ConfigureAwait(false);
        if (!consumed.Owned)
        {
            throw Stop(await _store.GetRunAsync(RunId, CancellationToken.None).ConfigureAwait(false));
        }

        if (consumed.Consumed)
        {
            await _store.AppendEventAsync(new RunEvent(RunId, 0, now, "signal-received", stepId, signalName), CancellationToken.None).ConfigureAwait(false);
            return consumed.PayloadJson;
        }

        if (wait.WakeAt is { } deadline && deadline <= now)
        {
            throw new WorkflowSignalTimeoutException(stepId, signalName, deadline - wait.Since);
        }

        throw Leave(signalName, wait);
    }

    /// <summary>
    /// A durable timer: done when its wake-up time (computed once, at the first attempt, and stored) has come;
    /// otherwise the run leaves until then.
    /// </summary>
    /// <exception cref="WorkflowRunWaitingException">The time has not come: the run leaves.</exception>
    public async ValueTask SleepAsync(string stepId, string signature, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (TryGetCompleted(stepId, -1, out _))
        {
            return;
        }

        ThrowIfPaused();
        var now = _options.TimeProvider.GetUtcNow();
        var wait = await SignalStore.BeginWaitAsync(RunId, stepId, null, now, now + duration, cancellationToken).ConfigureAwait(false);
        if (wait.WakeAt is not { } wake || wake <= now)
        {
            await RecordAsync(stepId, -1, signature, 1, null).ConfigureAwait(false);
            return;
        }

        throw Leave(null, wait);
    }

    /// <summary>Remembers what the run waits for (parallel steps may each add theirs) and returns the exception that stops it.</summary>
    private WorkflowRunWaitingException Leave(string? signalName, WaitRecord wait)
    {
        RunWait current;
        lock (_waitGate)
        {
            _waitingSignals ??= new List<string>();
            if (signalName is not null && !_waitingSignals.Contains(signalName))
            {
                _waitingSignals.Add(signalName);
            }

            _waitSince = _waitSince is { } since && since < wait.Since ? since : wait.Since;
            if (wait.WakeAt is { } wake && (_wakeAt is null || wake < _wakeAt))
            {
                _wakeAt = wake;
            }

            current = new RunWait(_waitingSignals.ToArray(), _waitSince.Value, _wakeAt);
        }

        return new WorkflowRunWaitingException(RunId, current.Describe());
    }

    /// <summary>Records the run as waiting, released. False when this execution registered no wait or no longer owns the run.</summary>
    private async ValueTask<bool> LeaveWaitingAsync()
    {
        if (Volatile.Read(ref _pauseRequested) != 0)
        {
            return false; // a pause asked for meanwhile wins: the run is paused, and waits again once resumed
        }

        await FlushAsync().ConfigureAwait(false);
        RunWait wait;
        lock (_waitGate)
        {
            if (_waitingSignals is null || _waitSince is null)
            {
                return false;
            }

            wait = new RunWait(_waitingSignals.ToArray(), _waitSince.Value, _wakeAt);
        }

        var now = _options.TimeProvider.GetUtcNow();
        if (!await SignalStore.SetWaitingAsync(RunId, _options.Owner, wait, now, CancellationToken.None).ConfigureAwait(false))
        {
            return false; // paused or cancelled meanwhile: that status stands
        }

        await _store.AppendEventAsync(new RunEvent(RunId, 0, now, "waiting", null, wait.Describe()), CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>True when the exception is (or wraps) a run leaving to wait.</summary>
    public static bool IsWaiting(Exception exception) => WaitingOf(exception) is not null;

    /// <summary>The <see cref="WorkflowRunWaitingException"/> inside <paramref name="exception"/>, if any, for the caller to see unwrapped.</summary>
    public static WorkflowRunWaitingException? WaitingOf(Exception exception) => Find<WorkflowRunWaitingException>(exception);

    /// <summary>For a start or resume of a run that waits and has not woken: says what it waits for.</summary>
    private static async ValueTask<Exception> WaitingExceptionAsync(IWorkflowStore store, string runId, CancellationToken cancellationToken)
    {
        var wait = store is IWorkflowSignalStore signals ? await signals.GetWaitAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        return new WorkflowRunWaitingException(runId, wait?.Describe() ?? "for a signal or its time");
    }
}
