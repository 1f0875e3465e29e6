using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Workflows.Tool;

/// <summary>
/// <c>workflows versions accept</c>: rewrites a project's <c>Workflows.Shipped.txt</c> from its current durable
/// workflows. It builds the project with <c>-p:WorkflowsAcceptVersions=true</c>: the file is computed by the
/// generator from the real compilation (action output types, input types), so this command and a build never
/// disagree, and nothing here parses workflows a second time.
/// </summary>
internal sealed class VersionsAccept
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;

    public VersionsAccept(TextWriter output, TextWriter error)
    {
        _out = output;
        _error = error;
    }

    /// <param name="project">A project file, or a folder holding exactly one; null for the current folder.</param>
    /// <param name="buildArguments">More arguments for <c>dotnet build</c> (after <c>--</c>), such as <c>-c Release</c>.</param>
    public int Run(string? project, IReadOnlyList<string> buildArguments)
    {
        if (FindProject(project ?? Directory.GetCurrentDirectory()) is not { } projectFile)
        {
            return ExitCodes.Usage;
        }

        var shipped = Path.Combine(Path.GetDirectoryName(projectFile)!, "Workflows.Shipped.txt");
        var before = File.Exists(shipped) ? File.ReadAllText(shipped) : null;
        var writtenBefore = File.Exists(shipped) ? File.GetLastWriteTimeUtc(shipped) : DateTime.MinValue;
        var start = new ProcessStartInfo(DotNet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "build", projectFile, "-p:WorkflowsAcceptVersions=true", "-nologo" }.Concat(buildArguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            _error.Write(output);
            _error.Write(error.Result);
            _error.WriteLine($"error: the build of '{projectFile}' failed, so nothing was accepted: fix the errors above and run 'workflows versions accept' again.");
            return ExitCodes.Errors;
        }

        if (!File.Exists(shipped) || (before is not null && File.GetLastWriteTimeUtc(shipped) == writtenBefore))
        {
            _error.WriteLine($"error: the build of '{projectFile}' wrote no {Path.GetFileName(shipped)}. Does the project reference the Workflows package (1.x with versioning)?");
            return ExitCodes.Errors;
        }

        var after = File.ReadAllText(shipped);
        var workflows = after.Split('\n').Where(l => l.Contains(" | definition | ", StringComparison.Ordinal)).Select(l => l.Substring(0, l.IndexOf(" | ", StringComparison.Ordinal))).ToList();
        _out.WriteLine(before == after
            ? $"{shipped}: unchanged ({Describe(workflows)})."
            : $"{shipped}: {(before is null ? "created" : "rewritten")} from the current durable workflows ({Describe(workflows)}). Review the diff and commit it.");
        return ExitCodes.Clean;
    }

    private static string Describe(List<string> workflows)
        => workflows.Count == 0 ? "no durable workflow" : string.Join(", ", workflows);

    private string? FindProject(string path)
    {
        if (File.Exists(path) && path.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
        {
            return Path.GetFullPath(path);
        }

        if (!Directory.Exists(path))
        {
            _error.WriteLine($"error: '{path}' is neither a project file nor a folder.");
            return null;
        }

        var projects = Directory.GetFiles(path, "*.csproj");
        if (projects.Length != 1)
        {
            _error.WriteLine(projects.Length == 0
                ? $"error: '{path}' holds no .csproj; pass --project <folder or project file>."
                : $"error: '{path}' holds {projects.Length} project files; pass --project <project file>.");
            return null;
        }

        return Path.GetFullPath(projects[0]);
    }

    /// <summary>The dotnet that runs this tool (set when run by the SDK), else the one on the PATH.</summary>
    private static string DotNet()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
