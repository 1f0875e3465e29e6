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
    /// <remarks>
    /// A durable run's own stops are never a step's failure either: its pause, its leaving to wait (<c>signal:</c>, <c>sleep:</c>), a lost lease, the store's failure.
    /// They must reach the run unchanged (not retried, not caught by <c>on_error: continue</c>).
    /// </remarks>
    public static bool IsFailure(Exception exception, CancellationToken cancellationToken)
        => !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            && exception is not (Durability.WorkflowRunPausedException or Durability.WorkflowRunWaitingException or Durability.WorkflowLeaseLostException or Durability.WorkflowStoreException);
}
