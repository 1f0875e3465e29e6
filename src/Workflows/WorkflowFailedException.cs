using System;
using System.Collections.Generic;

namespace Workflows;

/// <summary>
/// Thrown by a generated workflow's <c>RunAsync</c> when a step fails. The original exception is the
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class WorkflowFailedException : Exception
{
    /// <summary>Creates the exception for a failed step.</summary>
    public WorkflowFailedException(string workflowName, string stepId, Exception innerException)
        : this(workflowName, stepId, attempts: 1, innerException)
    {
    }

    /// <summary>Creates the exception for a step that failed after <paramref name="attempts"/> tries.</summary>
    /// <remarks>An inner exception whose message reveals a <c>${{ secrets.X }}</c> value is replaced by a <see cref="Runtime.RedactedException"/>.</remarks>
    public WorkflowFailedException(string workflowName, string stepId, int attempts, Exception innerException)
        : this(workflowName, stepId, attempts, Runtime.SecretRedactor.Redact(innerException), redacted: true)
    {
    }

    private WorkflowFailedException(string workflowName, string stepId, int attempts, Exception innerException, bool redacted)
        : base(FormatMessage(workflowName, stepId, attempts, innerException), innerException)
    {
        _ = redacted;
        WorkflowName = workflowName;
        StepId = stepId;
        Attempts = attempts;
    }

    /// <summary>How many times the step's action was called: more than one when it was retried.</summary>
    public int Attempts { get; }

    private readonly object _gate = new();
    private List<WorkflowCleanupFailure>? _cleanupFailures;
    private List<WorkflowFailedException>? _otherFailures;

    /// <summary>
    /// Every step that failed in the run, this one first. Steps running in parallel can fail before the
    /// first failure stops them.
    /// </summary>
    public IReadOnlyList<WorkflowFailedException> AllFailures
    {
        get
        {
            lock (_gate)
            {
                var all = new List<WorkflowFailedException> { this };
                if (_otherFailures is not null)
                {
                    all.AddRange(_otherFailures);
                }

                return all;
            }
        }
    }

    /// <summary>Records another step's failure in the same run. Called by generated code.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void AddOtherFailure(WorkflowFailedException failure)
    {
        lock (_gate)
        {
            (_otherFailures ??= new List<WorkflowFailedException>()).Add(failure);
        }
    }

    /// <summary>Compensations and <c>on_failure</c> steps that failed too while the run was cleaned up.</summary>
    public IReadOnlyList<WorkflowCleanupFailure> CleanupFailures
    {
        get
        {
            lock (_gate)
            {
                return _cleanupFailures?.ToArray() ?? Array.Empty<WorkflowCleanupFailure>();
            }
        }
    }

    /// <summary>The failing action's message: what <c>failure.message</c> reads in <c>on_failure</c> steps.</summary>
    public string CauseMessage => InnerException?.Message ?? Message;

    /// <summary>Records a cleanup that failed. Called by generated code.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void AddCleanupFailure(WorkflowCleanupFailure failure)
    {
        lock (_gate)
        {
            (_cleanupFailures ??= new List<WorkflowCleanupFailure>()).Add(failure);
        }
    }

    /// <summary>The run's report, when the run was started with <c>RunWithReportAsync</c>.</summary>
    public WorkflowRunReport? Report { get; internal set; }

    /// <summary>Attaches the run's report. Called by generated code.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public WorkflowFailedException WithReport(WorkflowRunReport report)
    {
        Report = report;
        return this;
    }

    /// <summary>The <c>name:</c> of the workflow that failed.</summary>
    public string WorkflowName { get; }

    /// <summary>The <c>id:</c> of the step whose action threw.</summary>
    public string StepId { get; }

    private static string FormatMessage(string workflowName, string stepId, int attempts, Exception? innerException)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        ArgumentNullException.ThrowIfNull(stepId);
        var after = attempts > 1 ? $" after {attempts} attempts" : string.Empty;
        return $"Workflow '{workflowName}' failed at step '{stepId}'{after}: {innerException?.Message}";
    }
}
