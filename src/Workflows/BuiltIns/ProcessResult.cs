using System.Text.Json.Serialization;

namespace Workflows.BuiltIns;

/// <summary>The output of <c>process.run</c> and <c>shell.execute</c>.</summary>
public sealed class ProcessResult
{
    /// <summary>Creates the result.</summary>
    public ProcessResult(int exitCode, string standardOutput, string standardError)
        : this(exitCode, standardOutput, standardError, outputTruncated: false)
    {
    }

    /// <summary>Creates the result, saying whether <c>max_output_size</c> cut either output.</summary>
    [JsonConstructor]
    public ProcessResult(int exitCode, string standardOutput, string standardError, bool outputTruncated)
    {
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        OutputTruncated = outputTruncated;
    }

    /// <summary>
    /// True when standard output or standard error was longer than <c>max_output_size</c> and was cut (a line in
    /// the text says where and how much).
    /// </summary>
    public bool OutputTruncated { get; }

    /// <summary>The process's exit code (0 for success).</summary>
    public int ExitCode { get; }

    /// <summary>What the process wrote to standard output (decoded as UTF-8): all of it, or the first <c>max_output_size</c>.</summary>
    public string StandardOutput { get; }

    /// <summary>What the process wrote to standard error (decoded as UTF-8): all of it, or the last <c>max_output_size</c>.</summary>
    public string StandardError { get; }
}
