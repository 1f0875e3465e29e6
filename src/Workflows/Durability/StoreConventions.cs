using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Workflows.Durability;

/// <summary>
/// What every <see cref="IWorkflowStore"/> stores the same way, whatever its SQL: the text of statuses and
/// requests, the time format, and the rules a store checks before it writes. The SQLite and PostgreSQL stores
/// share it; a store of your own can too.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class StoreConventions
{
    /// <summary>True for the statuses a run ends in: succeeded, failed, cancelled.</summary>
    public static bool IsFinal(RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>The stored text of a run status (lower case, stable across versions).</summary>
    public static string Text(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Paused => "paused",
        RunStatus.Waiting => "waiting",
        RunStatus.Succeeded => "succeeded",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a run status."),
    };

    /// <summary>The run status a stored text stands for.</summary>
    /// <exception cref="InvalidOperationException">The text is no run status (a store written by a newer version).</exception>
    public static RunStatus ParseRunStatus(string text) => text switch
    {
        "pending" => RunStatus.Pending,
        "running" => RunStatus.Running,
        "paused" => RunStatus.Paused,
        "waiting" => RunStatus.Waiting,
        "succeeded" => RunStatus.Succeeded,
        "failed" => RunStatus.Failed,
        "cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidOperationException($"Unknown run status '{text}' in the workflow store: it was written by a newer version of Workflows. Update the package."),
    };

    /// <summary>The stored text of a step status.</summary>
    public static string Text(StepStatus status) => status switch
    {
        StepStatus.Pending => "pending",
        StepStatus.Running => "running",
        StepStatus.Succeeded => "succeeded",
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "skipped",
        StepStatus.Cancelled => "cancelled",
        StepStatus.Compensated => "compensated",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a step status."),
    };

    /// <summary>The step status a stored text stands for.</summary>
    public static StepStatus ParseStepStatus(string text) =>
        Enum.TryParse<StepStatus>(text, ignoreCase: true, out var status) && !int.TryParse(text, out _)
            ? status
            : throw new InvalidOperationException($"Unknown step status '{text}' in the workflow store: it was written by a newer version of Workflows. Update the package.");

    /// <summary>The stored text of a request, or null for none.</summary>
    public static string? Text(RunControl? control) => control switch
    {
        null => null,
        RunControl.Pause => "pause",
        RunControl.Cancel => "cancel",
        _ => throw new ArgumentOutOfRangeException(nameof(control), control, "Not a run request."),
    };

    /// <summary>The request a stored text stands for; null for none or an unknown one (a newer version's request is ignored, not fatal).</summary>
    public static RunControl? ParseControl(string? text) => text switch
    {
        "pause" => RunControl.Pause,
        "cancel" => RunControl.Cancel,
        _ => null,
    };

    /// <summary>Times are stored as Unix milliseconds (UTC).</summary>
    public static long ToStored(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>A stored time.</summary>
    public static DateTimeOffset FromStored(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    /// <summary>Refuses step records that belong to another run (before anything is written).</summary>
    /// <exception cref="ArgumentException">A record's run is not <paramref name="runId"/>.</exception>
    public static void CheckStepsBelongTo(string runId, IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(steps);
        foreach (var step in steps)
        {
            if (step.RunId != runId)
            {
                throw new ArgumentException($"The step '{step.StepId}' belongs to the run '{step.RunId}', not '{runId}'.", nameof(steps));
            }
        }
    }

    /// <summary>Refuses a status an owner cannot release its run to (<see cref="IWorkflowStore.ReleaseRunAsync"/>).</summary>
    public static void CheckReleaseStatus(RunStatus status)
    {
        if (status is not (RunStatus.Pending or RunStatus.Paused or RunStatus.Waiting))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "An owner releases its run as pending, paused or waiting; a final status is recorded with CompleteRunAsync.");
        }
    }

    // Waiting runs (IWorkflowSignalStore): the checks and decisions every store makes the same way around its SQL.

    /// <summary>Checks the arguments of <see cref="IWorkflowSignalStore.SendSignalAsync"/>.</summary>
    public static void CheckSignal(NewSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(signal.RunId, nameof(signal));
        ArgumentNullException.ThrowIfNull(signal.Name, nameof(signal));
        ArgumentNullException.ThrowIfNull(signal.SignalId, nameof(signal));
    }

    /// <summary>Checks the arguments of <see cref="IWorkflowSignalStore.BeginWaitAsync"/>.</summary>
    public static void CheckBeginWait(string runId, string stepId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(stepId);
    }

    /// <summary>Checks the arguments of <see cref="IWorkflowSignalStore.ConsumeSignalAsync"/>.</summary>
    public static void CheckConsumeSignal(string runId, string owner, string signalName, StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(signalName);
        ArgumentNullException.ThrowIfNull(record);
    }

    /// <summary>Checks the arguments of <see cref="IWorkflowSignalStore.SetWaitingAsync"/>.</summary>
    public static void CheckSetWaiting(string runId, string owner, RunWait wait)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(wait);
    }

    /// <summary>
    /// What a signal comes to before it is stored, from its run's stored status (null: no such run):
    /// <see cref="SignalDelivery.RunNotFound"/>, <see cref="SignalDelivery.RunFinished"/>, or null to store it.
    /// </summary>
    public static SignalDelivery? RefuseSignal(string? storedStatus) =>
        storedStatus is null ? SignalDelivery.RunNotFound
        : IsFinal(ParseRunStatus(storedStatus)) ? SignalDelivery.RunFinished
        : null;

    /// <summary>Whether a stored signal wakes its run: the run waits, for a signal of that name (names compare ordinally).</summary>
    public static bool SignalWakes(string storedStatus, IEnumerable<string>? waitingFor, string signalName)
    {
        if (storedStatus != Text(RunStatus.Waiting) || waitingFor is null)
        {
            return false;
        }

        foreach (var name in waitingFor)
        {
            if (string.Equals(name, signalName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="IWorkflowSignalStore.ConsumeSignalAsync"/>'s answer when the caller no longer holds the run's lease.</summary>
    public static SignalConsumption LeaseLost() => new(false, false, null);

    /// <summary><see cref="IWorkflowSignalStore.ConsumeSignalAsync"/>'s answer when no signal of that name waits to be consumed.</summary>
    public static SignalConsumption NoSignal() => new(true, false, null);

    /// <summary><see cref="IWorkflowSignalStore.ConsumeSignalAsync"/>'s answer for a signal consumed (now or by an earlier execution).</summary>
    public static SignalConsumption Consumed(string? payloadJson) => new(true, true, payloadJson);
}
