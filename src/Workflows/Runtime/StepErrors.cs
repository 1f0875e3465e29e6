using System;
using System.ComponentModel;
using System.Threading;

namespace Workflows.Runtime;

/// <summary>Helpers for generated code. Not meant to be used directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StepErrors
{
    /// <summary>
    /// True when <paramref name="exception"/> is a step failure, false when it is the caller's cancellation,
    /// which must reach the caller unwrapped.
    /// </summary>
    /// <remarks>A durable run leaving to wait (<c>signal:</c>, <c>sleep:</c>) is no failure either, even under <c>on_error: continue</c>.</remarks>
    public static bool IsFailure(Exception exception, CancellationToken cancellationToken)
        => !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            && exception is not Durability.WorkflowRunWaitingException;
}
