using System;

namespace Workflows.Durability;

/// <summary>
/// The durable run reached a <c>signal:</c> or <c>sleep:</c> step and now waits: it left this process (no thread,
/// no lease) and is recorded as <see cref="RunStatus.Waiting"/>. A host continues it when the signal arrives or
/// the time comes. Not a failure.
/// </summary>
public sealed class WorkflowRunWaitingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunWaitingException(string runId, string waitingFor)
        : base($"Run '{runId}' is waiting: {waitingFor}. It holds no process meanwhile; a host (serve, WorkflowHostService) continues it when it wakes.")
    {
        RunId = runId;
        WaitingFor = waitingFor;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>What it waits for, for people: "signal manager-approval since ...", "sleeping until ...".</summary>
    public string WaitingFor { get; }
}

/// <summary>A <c>signal:</c> step's <c>timeout:</c> passed before the signal arrived: the step fails.</summary>
public sealed class WorkflowSignalTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowSignalTimeoutException(string stepId, string signalName, TimeSpan timeout)
        : base($"Step '{stepId}': signal '{signalName}' not received within {DurationText.Format(timeout)}.")
    {
        StepId = stepId;
        SignalName = signalName;
    }

    /// <summary>The step that waited.</summary>
    public string StepId { get; }

    /// <summary>The signal it waited for.</summary>
    public string SignalName { get; }
}

/// <summary>A signal was refused: its run does not exist, or has finished.</summary>
public sealed class WorkflowSignalRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowSignalRefusedException(string runId, string signalName, string reason)
        : base($"Signal '{signalName}' was not sent: {reason}.")
    {
        RunId = runId;
        SignalName = signalName;
    }

    /// <summary>The run it was sent to.</summary>
    public string RunId { get; }

    /// <summary>The signal.</summary>
    public string SignalName { get; }
}

/// <summary>Durations as workflow files write them: <c>72h</c>, <c>3d</c>, <c>1m30s</c>.</summary>
internal static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new System.Text.StringBuilder();
        Append(text, duration.Days, "d");
        Append(text, duration.Hours, "h");
        Append(text, duration.Minutes, "m");
        Append(text, duration.Seconds, "s");
        Append(text, duration.Milliseconds, "ms");
        return text.ToString();

        static void Append(System.Text.StringBuilder text, int value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }
}
