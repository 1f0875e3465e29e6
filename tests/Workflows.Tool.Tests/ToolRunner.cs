using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Tests.Shared;

namespace Workflows.Tool.Tests;

/// <summary>What a run of the tool printed and returned.</summary>
internal sealed record ToolResult(int ExitCode, string[] Lines, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{string.Join("\n", Lines)}\nstderr: {Error}";
}

/// <summary>Runs the built tool as a child process, as a pre-commit hook or CI would, in a temporary folder.</summary>
internal sealed class ToolRunner : IDisposable
{
    /// <summary>The tool's build output: the same configuration as these tests, under src/Workflows.Tool.</summary>
    public static readonly string ToolDirectory = FindToolDirectory();

    public ToolRunner()
    {
        Directory = Path.Combine(Path.GetTempPath(), "workflows-tool-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The working directory of the tool; paths given to it are relative to it.</summary>
    public string Directory { get; }

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        return relativePath;
    }

    public ToolResult Run(params string[] arguments)
    {
        var result = DotNetApp.Run(Path.Combine(ToolDirectory, "Workflows.Tool.dll"), arguments, Directory);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        return new ToolResult(result.ExitCode, lines, result.Error);
    }

    /// <summary>
    /// Compiles C# into <paramref name="relativePath"/> (a class library referencing the framework and the
    /// tool's Workflows.dll), as a user's project with its own actions would be built.
    /// </summary>
    public string CompileAssembly(string relativePath, string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(Path.Combine(ToolDirectory, "Workflows.dll"))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            Path.GetFileNameWithoutExtension(relativePath),
            new[] { CSharpSyntaxTree.ParseText(source) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var emitted = compilation.Emit(path);
        if (!emitted.Success)
        {
            throw new InvalidOperationException("The actions assembly does not compile: " + string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return relativePath;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static string FindToolDirectory()
    {
        // AppContext.BaseDirectory is tests/Workflows.Tool.Tests/bin/<Configuration>/net10.0/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testOutput.Parent!.Name;
        var repository = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var directory = Path.Combine(repository, "src", "Workflows.Tool", "bin", configuration, "net10.0");
        if (!File.Exists(Path.Combine(directory, "Workflows.Tool.dll")))
        {
            throw new InvalidOperationException($"The tool is not built at '{directory}'.");
        }

        return directory;
    }
}

internal static class Lines
{
    /// <summary>One string, so that a failed comparison shows every line.</summary>
    public static string JoinLines(this string[] lines) => string.Join("\n", lines);

    public static IEnumerable<string> Diagnostics(this ToolResult result) => result.Lines.Where(l => l.Contains(": error WF", StringComparison.Ordinal) || l.Contains(": warning WF", StringComparison.Ordinal));
}
