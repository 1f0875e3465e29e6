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
    public static bool IsFailure(Exception exception, CancellationToken cancellationToken)
        => !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
