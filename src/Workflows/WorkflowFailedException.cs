using System;

namespace Workflows;

/// <summary>
/// Thrown by a generated workflow's <c>RunAsync</c> when a step fails. The original exception is the
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class WorkflowFailedException : Exception
{
    /// <summary>Creates the exception for a failed step.</summary>
    public WorkflowFailedException(string workflowName, string stepId, Exception innerException)
        : base(FormatMessage(workflowName, stepId, innerException), innerException)
    {
        WorkflowName = workflowName;
        StepId = stepId;
    }

    /// <summary>The <c>name:</c> of the workflow that failed.</summary>
    public string WorkflowName { get; }

    /// <summary>The <c>id:</c> of the step whose action threw.</summary>
    public string StepId { get; }

    private static string FormatMessage(string workflowName, string stepId, Exception? innerException)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        ArgumentNullException.ThrowIfNull(stepId);
        return $"Workflow '{workflowName}' failed at step '{stepId}': {innerException?.Message}";
    }
}
