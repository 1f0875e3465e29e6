using System;
using System.Collections.Generic;

namespace Workflows.Durability;

/// <summary>A durable run cannot resume: steps it already completed no longer match the workflow's definition.</summary>
public sealed class WorkflowDefinitionChangedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowDefinitionChangedException(string workflowName, string runId, IReadOnlyList<string> changes)
        : base($"Run '{runId}' of workflow '{workflowName}' cannot resume: {string.Join("; ", changes)}. Completed steps must keep their id, action and output type; " +
            "add new steps downstream instead, or finish the run with the definition it started with.")
    {
        WorkflowName = workflowName;
        RunId = runId;
        Changes = changes;
    }

    /// <summary>The workflow.</summary>
    public string WorkflowName { get; }

    /// <summary>The run that was refused.</summary>
    public string RunId { get; }

    /// <summary>What changed, one entry per completed step that no longer matches.</summary>
    public IReadOnlyList<string> Changes { get; }
}

/// <summary>Another live process owns the durable run (its lease has not expired).</summary>
public sealed class WorkflowRunInProgressException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunInProgressException(string runId, string? owner, DateTimeOffset? leaseUntil)
        : base($"Run '{runId}' is being executed by '{owner}' (lease until {leaseUntil:O}). Wait for it, or for the lease to expire if that process died.")
    {
        RunId = runId;
        Owner = owner;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>Its current owner.</summary>
    public string? Owner { get; }
}

/// <summary>The durable run was paused (or is paused): no new step started; it continues once resumed.</summary>
public sealed class WorkflowRunPausedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunPausedException(string runId)
        : base($"Run '{runId}' is paused. Resume it (WorkflowRuns.ResumeAsync) and it continues where it stopped.") => RunId = runId;

    /// <summary>The run.</summary>
    public string RunId { get; }
}

/// <summary>
/// A durable run started earlier with this id had already failed or been cancelled: starting it again returns
/// that outcome instead of running it twice. Retry it with <see cref="WorkflowRuns.RetryAsync(string, System.Threading.CancellationToken)"/>.
/// </summary>
public sealed class WorkflowRunFinishedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunFinishedException(RunRecord run)
        : base($"Run '{run.RunId}' of workflow '{run.WorkflowName}' already ended {run.Status}{(run.Error is null ? "" : ": " + run.Error)}.") => Run = run;

    /// <summary>The run as stored.</summary>
    public RunRecord Run { get; }
}

/// <summary>
/// The durable run was cancelled through the store (<see cref="WorkflowRuns.CancelAsync"/>, the <c>cancel</c>
/// command) while this process ran it: its running actions were cancelled and it is recorded as cancelled. A
/// cancelled run is finished; it is not retried.
/// </summary>
public sealed class WorkflowRunCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunCancelledException(string runId)
        : base($"Run '{runId}' was cancelled: its running steps were stopped and no new step starts. A cancelled run is finished.") => RunId = runId;

    /// <summary>The run.</summary>
    public string RunId { get; }
}

/// <summary>This process lost ownership of the durable run (its lease expired and another process took it over).</summary>
public sealed class WorkflowLeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowLeaseLostException(string runId)
        : base($"This process no longer owns run '{runId}': its lease expired and another process may have resumed it. Nothing more is recorded from here.") => RunId = runId;

    /// <summary>The run.</summary>
    public string RunId { get; }
}

/// <summary>There is no durable run with this id for this workflow.</summary>
public sealed class WorkflowRunNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowRunNotFoundException(string runId, string workflowName)
        : base($"Workflow '{workflowName}' has no run '{runId}' in the store. List the runs to find its id.")
    {
        RunId = runId;
        WorkflowName = workflowName;
    }

    /// <summary>The id that was asked for.</summary>
    public string RunId { get; }

    /// <summary>The workflow.</summary>
    public string WorkflowName { get; }
}

/// <summary>
/// The workflow store failed while the run recorded its progress (a full disk, a read-only file, a lost connection).
/// Not a failure of the step: the run is released, not failed, and continues (the step may run again) once the
/// store works again.
/// </summary>
public sealed class WorkflowStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowStoreException(string runId, string stepId, Exception storeError)
        : base($"The workflow store failed while recording step '{stepId}' of run '{runId}': {Runtime.SecretRedactor.Redact(storeError.Message)} " +
               $"The run was not failed: once the store works again, 'resume {runId}' (or a host) continues it, and that step may run again.", storeError)
    {
        RunId = runId;
        StepId = stepId;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The step whose record failed.</summary>
    public string StepId { get; }
}
