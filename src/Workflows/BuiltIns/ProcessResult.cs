namespace Workflows.BuiltIns;

/// <summary>The output of <c>process.run</c> and <c>shell.execute</c>.</summary>
public sealed class ProcessResult
{
    /// <summary>Creates the result.</summary>
    public ProcessResult(int exitCode, string standardOutput, string standardError)
    {
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    /// <summary>The process's exit code (0 for success).</summary>
    public int ExitCode { get; }

    /// <summary>Everything the process wrote to standard output (decoded as UTF-8).</summary>
    public string StandardOutput { get; }

    /// <summary>Everything the process wrote to standard error (decoded as UTF-8).</summary>
    public string StandardError { get; }
}
