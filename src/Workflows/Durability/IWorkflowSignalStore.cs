using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// What a store needs for runs that wait (<c>signal:</c> and <c>sleep:</c> steps): signals kept per run, each
/// step's wait (when it began, when it times out or wakes), and the <see cref="RunStatus.Waiting"/> status,
/// which holds no owner and no lease. Both stores of this repository implement it.
/// </summary>
/// <remarks>
/// A waiting run becomes claimable (by <see cref="IWorkflowStore.ClaimRunsAsync"/> and
/// <see cref="IWorkflowStore.TryClaimRunAsync"/>) once its wake time has come: a signal it waits for arriving
/// sets that time to the signal's, so claiming stays one indexed condition however many runs wait.
/// </remarks>
public interface IWorkflowSignalStore
{
    /// <summary>
    /// Stores a signal for a run that has not finished, once per (run, signal id); wakes the run when it waits
    /// for a signal of this name. The run is locked while this happens, so a run that starts waiting at the same
    /// moment sees the signal.
    /// </summary>
    ValueTask<SignalDelivery> SendSignalAsync(NewSignal signal, CancellationToken cancellationToken = default);

    /// <summary>
    /// The wait of step <paramref name="stepId"/>: created with <paramref name="since"/> and <paramref name="wakeAt"/>
    /// the first time, returned as stored afterwards, so a restart does not move its deadline.
    /// </summary>
    ValueTask<WaitRecord> BeginWaitAsync(string runId, string stepId, string? signalName, DateTimeOffset since, DateTimeOffset? wakeAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction, if <paramref name="owner"/> still holds the run's lease: takes the oldest unconsumed
    /// signal named <paramref name="signalName"/>, marks it consumed by the step of <paramref name="record"/>, and records the
    /// step as succeeded with the signal's payload as its output. A signal is consumed once.
    /// </summary>
    ValueTask<SignalConsumption> ConsumeSignalAsync(string runId, string owner, string signalName, StepRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a run <paramref name="owner"/> runs to <see cref="RunStatus.Waiting"/>, releasing it: it becomes
    /// claimable at <see cref="RunWait.WakeAt"/>, or at once when a signal it waits for is already stored.
    /// False when the caller no longer runs it (paused, cancelled, lease lost).
    /// </summary>
    ValueTask<bool> SetWaitingAsync(string runId, string owner, RunWait wait, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>What a run waits for, as last recorded; null when it never waited.</summary>
    ValueTask<RunWait?> GetWaitAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The signals sent to a run, oldest first.</summary>
    ValueTask<IReadOnlyList<SignalRecord>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default);
}

/// <summary>A signal to store.</summary>
/// <param name="RunId">The run it is for.</param>
/// <param name="Name">The signal's name.</param>
/// <param name="SignalId">Unique per run: sending the same id again changes nothing.</param>
/// <param name="PayloadJson">The payload as JSON; null for none.</param>
/// <param name="SentAt">When it was sent.</param>
public sealed record NewSignal(string RunId, string Name, string SignalId, string? PayloadJson, DateTimeOffset SentAt);

/// <summary>What <see cref="IWorkflowSignalStore.SendSignalAsync"/> did.</summary>
public enum SignalDelivery
{
    /// <summary>Stored (and the run woken if it waits for it).</summary>
    Stored,

    /// <summary>A signal with this id was stored before: nothing changed.</summary>
    Duplicate,

    /// <summary>There is no such run.</summary>
    RunNotFound,

    /// <summary>The run has finished (succeeded, failed or cancelled).</summary>
    RunFinished,
}

/// <summary>One step's wait as stored: when it began and when it times out (signal) or wakes (sleep).</summary>
public sealed record WaitRecord(string RunId, string StepId, string? SignalName, DateTimeOffset Since, DateTimeOffset? WakeAt);

/// <summary>The outcome of <see cref="IWorkflowSignalStore.ConsumeSignalAsync"/>.</summary>
/// <param name="Owned">False when the caller no longer owns the run (nothing changed).</param>
/// <param name="Consumed">True when a signal was consumed and the step recorded.</param>
/// <param name="PayloadJson">The consumed signal's payload.</param>
public readonly record struct SignalConsumption(bool Owned, bool Consumed, string? PayloadJson);

/// <summary>What a waiting run waits for.</summary>
/// <param name="SignalNames">The signals (any of them wakes it); empty for a sleep.</param>
/// <param name="Since">When it began to wait.</param>
/// <param name="WakeAt">When it wakes on its own (a sleep's end, a signal's timeout); null for never.</param>
public sealed record RunWait(IReadOnlyList<string> SignalNames, DateTimeOffset Since, DateTimeOffset? WakeAt)
{
    /// <summary>"signal manager-approval since ..." or "sleeping until ...", for people.</summary>
    public string Describe()
    {
        var until = WakeAt is { } wake ? wake.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : null;
        if (SignalNames.Count == 0)
        {
            return "sleeping until " + until;
        }

        var names = string.Join(" or ", SignalNames);
        var since = Since.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
        return until is null ? $"signal {names} since {since}" : $"signal {names} since {since} (times out {until})";
    }
}

/// <summary>A signal as stored.</summary>
/// <param name="RunId">The run it is for.</param>
/// <param name="Name">The signal's name.</param>
/// <param name="SignalId">Unique per run.</param>
/// <param name="PayloadJson">The payload as JSON; null for none.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="ConsumedBy">The step that consumed it; null while it waits to be.</param>
public sealed record SignalRecord(string RunId, string Name, string SignalId, string? PayloadJson, DateTimeOffset SentAt, string? ConsumedBy);
