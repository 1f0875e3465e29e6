using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Workflows.Tests.Shared;

/// <summary>What a child process printed and returned.</summary>
internal sealed record ProcessOutput(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}

/// <summary>
/// Runs a built app (<c>dotnet app.dll args...</c>) as a child process, the way a user or CI does, and waits for it.
/// Linked into the test projects that need it (the tool's and the sample's command-line tests).
/// </summary>
internal static class DotNetApp
{
    public static ProcessOutput Run(string assembly, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;

        // Both pipes are drained at once: a child that fills one while the other is read would never exit.
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{assembly}' did not finish within {timeout ?? TimeSpan.FromMinutes(2)}.");
        }

        return new ProcessOutput(process.ExitCode, output, error.Result);
    }
}
