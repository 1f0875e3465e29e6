using System;

namespace Workflows;

/// <summary>
/// Thrown by the built-in <c>fail</c> action: the workflow asked to fail the step with a message of its own.
/// Like any action's exception it becomes the <see cref="Exception.InnerException"/> of the run's
/// <see cref="WorkflowFailedException"/>, and its message is what <c>failure.message</c> reads.
/// </summary>
public sealed class WorkflowStepFailedException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public WorkflowStepFailedException()
        : this("The step failed.")
    {
    }

    /// <summary>Creates the exception with the workflow's message.</summary>
    public WorkflowStepFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowStepFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
