using System;

namespace Workflows.BuiltIns;

/// <summary>
/// Thrown by <c>process.run</c> and <c>shell.execute</c> when the process exits with a code other than 0 and
/// <c>allow_failure</c> is not set. The message ends with the last part of standard error.
/// </summary>
public sealed class ProcessFailedException : Exception
{
    private const int TailLength = 2000;

    /// <summary>Creates the exception with a generic message.</summary>
    public ProcessFailedException()
        : this("A process exited with a non-zero code.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProcessFailedException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ProcessFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Command = string.Empty;
        StandardOutput = string.Empty;
        StandardError = string.Empty;
    }

    /// <summary>Creates the exception for a process that exited with <paramref name="exitCode"/>.</summary>
    public ProcessFailedException(string command, int exitCode, string standardOutput, string standardError)
        : base(FormatMessage(command, exitCode, standardError))
    {
        Command = command;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    /// <summary>The command that was run.</summary>
    public string Command { get; }

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Everything the process wrote to standard output.</summary>
    public string StandardOutput { get; }

    /// <summary>Everything the process wrote to standard error.</summary>
    public string StandardError { get; }

    private static string FormatMessage(string command, int exitCode, string standardError)
    {
        var message = $"'{command}' exited with code {exitCode}. Set allow_failure: true to continue on a non-zero exit code.";
        var error = standardError.TrimEnd();
        if (error.Length == 0)
        {
            return message + " Standard error was empty.";
        }

        return error.Length <= TailLength
            ? $"{message} Standard error:\n{error}"
            : $"{message} Standard error (last {TailLength} characters):\n…{error[^TailLength..]}";
    }
}
