using System;

namespace Workflows;

/// <summary>A compensation or an <c>on_failure</c> step that threw while a failed run was being cleaned up.</summary>
/// <param name="StepId">The step whose compensation failed, or the <c>on_failure</c> step that failed.</param>
/// <param name="Kind">Which kind of cleanup it was.</param>
/// <param name="Exception">What it threw.</param>
public sealed record WorkflowCleanupFailure(string StepId, WorkflowCleanupKind Kind, Exception Exception);

/// <summary>The kinds of cleanup after a failed run.</summary>
public enum WorkflowCleanupKind
{
    /// <summary>A step's <c>compensate:</c> action.</summary>
    Compensation,

    /// <summary>A step of the workflow's <c>on_failure:</c> list.</summary>
    OnFailure,
}
