using System;
using Workflows.Runtime;

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
    /// <remarks>
    /// Values of <c>${{ secrets.X }}</c> read so far are masked in the command and both outputs before anything is
    /// cut, so that no part of a secret is left at the cut.
    /// </remarks>
    public ProcessFailedException(string command, int exitCode, string standardOutput, string standardError)
        : this(SecretRedactor.Redact(command), exitCode, SecretRedactor.Redact(standardOutput), SecretRedactor.Redact(standardError), masked: true)
    {
    }

    /// <summary>A copy masked again by <see cref="SecretRedactor"/> (a secret read after it was thrown), keeping the stack trace as text.</summary>
    internal ProcessFailedException(string command, int exitCode, string standardOutput, string standardError, string stackTrace)
        : this(command, exitCode, standardOutput, standardError)
        => _stackTrace = stackTrace;

    private ProcessFailedException(string command, int exitCode, string standardOutput, string standardError, bool masked)
        : base(FormatMessage(command, exitCode, standardError))
    {
        _ = masked;
        Command = command;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    private readonly string? _stackTrace;

    /// <inheritdoc/>
    public override string? StackTrace => _stackTrace ?? base.StackTrace;

    /// <summary>The command that was run.</summary>
    public string Command { get; }

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>What the process wrote to standard output (up to <c>max_output_size</c>), secrets masked.</summary>
    public string StandardOutput { get; }

    /// <summary>What the process wrote to standard error (the last <c>max_output_size</c>), secrets masked.</summary>
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
