using System;

namespace Workflows.Hosting;

/// <summary>
/// The inputs given to a workflow from outside (a command line, a JSON file) are not right: an unknown or missing
/// input, or a value that is not of the input's type. Nothing ran.
/// </summary>
public sealed class WorkflowInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowInputException(string workflowName, string? inputName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        WorkflowName = workflowName;
        InputName = inputName;
    }

    /// <summary>The workflow the inputs were for.</summary>
    public string WorkflowName { get; }

    /// <summary>The input at fault; null when the fault is not one input's (an unreadable file).</summary>
    public string? InputName { get; }
}
