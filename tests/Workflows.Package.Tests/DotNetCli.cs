using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Package.Tests;

/// <summary>Runs the dotnet CLI as a child process, the way a user would from a terminal.</summary>
internal static class DotNetCli
{
    /// <summary>How long one command may take before it is killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Appended to every MSBuild command (build, pack): no node or compiler server outlives the test.</summary>
    private static readonly string[] s_msbuildOptions = { "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off" };

    /// <summary>
    /// Set by the dotnet CLI that runs these tests. Inherited, they would pin the child builds to its MSBuild
    /// instead of letting each child resolve the SDK from its own global.json.
    /// </summary>
    private static readonly string[] s_inheritedMSBuildVariables = { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" };

    /// <summary>The dotnet host running these tests, so children use the same installation.</summary>
    private static string Executable
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs an MSBuild-based command (<c>build</c>, <c>pack</c>, ...) without leaving build servers behind.</summary>
    public static Task<CliResult> MSBuildAsync(string workingDirectory, string command, params string[] arguments)
        => RunAsync(workingDirectory, new[] { command }.Concat(arguments).Concat(s_msbuildOptions).ToArray());

    /// <summary>Runs <c>dotnet</c> with the given arguments and captures everything it prints.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var name in s_inheritedMSBuildVariables)
        {
            startInfo.Environment.Remove(name);
        }

        var commandLine = "dotnet " + string.Join(" ", arguments);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start '{commandLine}'.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();

        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var killed = new CliResult(commandLine, workingDirectory, process.ExitCode, await standardOutput, await standardError);
            throw new TimeoutException($"Killed after {Timeout.TotalMinutes} minutes: {killed}");
        }

        return new CliResult(commandLine, workingDirectory, process.ExitCode, await standardOutput, await standardError);
    }
}

/// <summary>What one dotnet command did. <see cref="ToString"/> holds everything, for assertion messages.</summary>
internal sealed record CliResult(string CommandLine, string WorkingDirectory, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Standard output, one entry per line, without line endings.</summary>
    public IReadOnlyList<string> OutputLines
        => StandardOutput.Split('\n').Select(line => line.TrimEnd('\r')).ToList();

    /// <summary>MSBuild's canonical error lines (<c>file(line,col): error CODE: message</c>), with '/' as the only path separator.</summary>
    public IReadOnlyList<string> ErrorLines
        => OutputLines.Concat(StandardError.Split('\n'))
            .Where(line => line.Contains(": error ", StringComparison.Ordinal))
            .Select(line => line.Trim().Replace('\\', '/'))
            .Distinct()
            .ToList();

    /// <summary>Fails the test, with the full output, unless the command exited with 0 and reported no error.</summary>
    public void AssertSucceeded()
        => Assert.True(ExitCode == 0 && ErrorLines.Count == 0, $"Expected success. {this}");

    public override string ToString()
        => $"'{CommandLine}' in {WorkingDirectory} exited with {ExitCode}.{Environment.NewLine}"
        + $"--- stdout ---{Environment.NewLine}{StandardOutput}{Environment.NewLine}"
        + $"--- stderr ---{Environment.NewLine}{StandardError}";
}
