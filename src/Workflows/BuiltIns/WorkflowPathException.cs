using System;

namespace Workflows.BuiltIns;

/// <summary>
/// Thrown by the built-in file actions (and <c>process.run</c>'s <c>working_directory</c>) when a path would
/// lead outside <see cref="WorkflowOptions.FileRoot"/>: an absolute path, <c>..</c> that climbs out of the
/// root, or a symbolic link whose target is outside it.
/// </summary>
public sealed class WorkflowPathException : UnauthorizedAccessException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public WorkflowPathException()
        : this("A path leads outside the workflow's file root.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public WorkflowPathException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkflowPathException(string message, Exception? innerException)
        : base(message, innerException)
    {
        PathText = string.Empty;
        Root = string.Empty;
    }

    /// <summary>Creates the exception for <paramref name="path"/> and <paramref name="root"/>.</summary>
    public WorkflowPathException(string path, string root, string reason)
        : base(FormatMessage(path, root, reason))
    {
        PathText = path;
        Root = root;
    }

    /// <summary>The path as the workflow gave it.</summary>
    public string PathText { get; }

    /// <summary>The root directory the path had to stay in.</summary>
    public string Root { get; }

    private static string FormatMessage(string path, string root, string reason)
        => $"The path '{path}' is not allowed: {reason}. Built-in file actions only reach files under the file root '{root}'. "
            + "Use a path relative to the root that stays inside it, or set WorkflowOptions.FileRoot to a directory that contains the file.";
}
