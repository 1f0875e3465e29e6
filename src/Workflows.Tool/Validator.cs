using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Tool;

/// <summary>What <c>workflows validate</c> was asked to do.</summary>
internal sealed record ValidateOptions(IReadOnlyList<string> Paths, IReadOnlyList<string> Actions, string? Namespace, bool WarningsAsErrors);

/// <summary>Exit codes of <c>workflows validate</c>.</summary>
internal static class ExitCodes
{
    public const int Clean = 0;
    public const int Errors = 1;
    public const int Usage = 2;
}

/// <summary>
/// <c>workflows validate</c>: reads workflow files from disk and checks them with
/// <see cref="WorkflowValidation.Validate"/>, the analyzer's own entry point, against a compilation made of the
/// running runtime's framework assemblies, Workflows.dll (the built-in actions) and the <c>--actions</c>
/// assemblies.
/// </summary>
/// <remarks>
/// Without <c>--actions</c> the validator cannot see the project's own actions, so a WF0003 "unknown action"
/// becomes a WF0003 warning "uses unresolved action '...' (pass --actions &lt;assembly&gt; to check it)".
/// With <c>--actions</c> every action is supposed to be visible, and WF0003 is the build's error.
/// </remarks>
internal sealed class Validator
{
    /// <summary>The assembly name of the validated compilation; the default namespace derives from it.</summary>
    public const string CompilationName = "WorkflowsValidation";

    /// <summary>WF0003 without <c>--actions</c>: the same code, a warning, and what to do about it.</summary>
    public static readonly DiagnosticDescriptor UnresolvedAction = new(
        "WF0003",
        "Step uses an action the validator cannot see",
        "Step '{0}' uses unresolved action '{1}' (pass --actions <assembly> to check it){2}",
        "Workflows",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>WF0108 without <c>--actions</c>, for a type with a namespace: the project's types are not visible.</summary>
    public static readonly DiagnosticDescriptor UnresolvedInputType = new(
        "WF0108",
        "Input type the validator cannot see",
        "Input '{0}' has unresolved type '{1}' (pass --actions <assembly> to check it)",
        "Workflows",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    /// <summary>WF0306 without <c>--actions</c>, when the called workflow has nothing worse than unresolved names.</summary>
    public static readonly DiagnosticDescriptor CalledWorkflowUnresolved = new(
        "WF0306",
        "Step runs a workflow the validator cannot fully check",
        "Step '{0}' runs workflow '{1}', which uses actions or types the validator cannot see (see {2}; pass --actions <assembly> to check it)",
        "Workflows",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    private static readonly string[] Patterns = ["*.workflow.yaml", "*.workflow.yml", "*.workflow.json"];

    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.OrdinalIgnoreCase) { "bin", "obj", "node_modules" };

    private readonly TextWriter _out;
    private readonly TextWriter _error;

    public Validator(TextWriter output, TextWriter error)
    {
        _out = output;
        _error = error;
    }

    public int Run(ValidateOptions options)
    {
        var files = FindFiles(options.Paths);
        if (files is null)
        {
            return ExitCodes.Usage;
        }

        var references = References(options.Actions);
        if (references is null)
        {
            return ExitCodes.Usage;
        }

        // Workflows.Shipped.txt, given as a file or at the top of a folder given: durable workflows are compared with it as a build does.
        var shippedPath = options.Paths
            .Select(p => Directory.Exists(p) ? Path.Combine(p, Generators.Versioning.ShippedFile.FileName) : p)
            .FirstOrDefault(p => Generators.Versioning.ShippedFile.IsShippedFile(p) && File.Exists(p));
        files.RemoveAll(Generators.Versioning.ShippedFile.IsShippedFile);
        (string Path, string? Text)? shipped = null;
        if (shippedPath is not null)
        {
            try
            {
                shipped = (shippedPath, File.ReadAllText(shippedPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _error.WriteLine($"error: cannot read '{shippedPath}': {e.Message}");
                return ExitCodes.Usage;
            }
        }

        var texts = new List<(string Path, string? Text)>(files.Count);
        foreach (var file in files)
        {
            try
            {
                texts.Add((file, File.ReadAllText(file)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _error.WriteLine($"error: cannot read '{file}': {e.Message}");
                return ExitCodes.Usage;
            }
        }

        var compilation = CSharpCompilation.Create(
            CompilationName,
            syntaxTrees: null,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        if (!EachListsActionTypes(compilation, options.Actions))
        {
            return ExitCodes.Usage;
        }

        var defaultNamespace = Identifiers.SanitizeNamespace(string.IsNullOrWhiteSpace(options.Namespace) ? CompilationName : options.Namespace);
        var shippedDiagnostics = new List<DiagnosticInfo>();
        var results = WorkflowValidation.Validate(texts, compilation, defaultNamespace, shipped: shipped, shippedDiagnostics: shippedDiagnostics);

        var reports = Classify(texts, results, seesAllActions: options.Actions.Count > 0);
        var errors = 0;
        var warnings = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var (info, diagnostic) in reports[i])
            {
                var isError = diagnostic.Severity == DiagnosticSeverity.Error
                    || (options.WarningsAsErrors && diagnostic.Severity == DiagnosticSeverity.Warning);
                if (isError)
                {
                    errors++;
                }
                else
                {
                    warnings++;
                }

                _out.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0}({1},{2}): {3} {4}: {5}",
                    texts[i].Path,
                    info.Span.StartLine + 1,
                    info.Span.StartColumn + 1,
                    isError ? "error" : "warning",
                    diagnostic.Id,
                    diagnostic.GetMessage(CultureInfo.InvariantCulture)));
            }
        }

        foreach (var info in shippedDiagnostics.OrderBy(d => d.Span.StartLine))
        {
            var isError = options.WarningsAsErrors;
            errors += isError ? 1 : 0;
            warnings += isError ? 0 : 1;
            _out.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0}({1},{2}): {3} {4}: {5}",
                shippedPath,
                info.Span.StartLine + 1,
                info.Span.StartColumn + 1,
                isError ? "error" : "warning",
                info.Id,
                info.ToDiagnostic().GetMessage(CultureInfo.InvariantCulture)));
        }

        _out.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} error(s), {1} warning(s) in {2} file(s)", errors, warnings, texts.Count + (shipped is null ? 0 : 1)));
        return errors > 0 ? ExitCodes.Errors : ExitCodes.Clean;
    }

    /// <summary>
    /// An <c>--actions</c> assembly is read through its <c>[assembly: WorkflowActionTypes(...)]</c>, as a build reads
    /// a referenced library. One that lists no type would make every action it declares "unknown": say what is
    /// missing instead (bad usage, exit code 2).
    /// </summary>
    private bool EachListsActionTypes(CSharpCompilation compilation, IReadOnlyList<string> actions)
    {
        var ok = true;
        foreach (var path in actions)
        {
            var fullPath = Path.GetFullPath(path);
            var reference = compilation.References.OfType<PortableExecutableReference>()
                .FirstOrDefault(r => r.FilePath is { } file && string.Equals(Path.GetFullPath(file), fullPath, StringComparison.Ordinal));
            if (reference is null || compilation.GetAssemblyOrModuleSymbol(reference) is not IAssemblySymbol assembly)
            {
                continue;
            }

            var listsTypes = assembly.GetAttributes().Any(a =>
                a.AttributeClass?.ToDisplayString() == "Workflows.WorkflowActionTypesAttribute"
                && a.ConstructorArguments.Length == 1
                && a.ConstructorArguments[0].Kind == TypedConstantKind.Array
                && a.ConstructorArguments[0].Values.Length > 0);
            if (!listsTypes)
            {
                _error.WriteLine($"error: '{path}' lists no action types, so none of its [WorkflowAction] methods can be seen (nor by a build that references it). "
                    + "Add [assembly: WorkflowActionTypes(typeof(MyActions))] to its project, naming each class that declares actions, and build it again.");
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>
    /// The build's diagnostics of each file, by position. Without <c>--actions</c> what the validator cannot see
    /// is a warning, not an error: WF0003 for an action that is not built in, WF0108 for an input type with a
    /// namespace (keywords and framework types are visible, so their WF0108 stays an error), and WF0306 for a
    /// step running a workflow whose only "errors" are those (worked out until nothing changes).
    /// </summary>
    private static List<(DiagnosticInfo Info, Diagnostic Diagnostic)>[] Classify(
        List<(string Path, string? Text)> files,
        IReadOnlyList<DiagnosticInfo>[] results,
        bool seesAllActions)
    {
        var reports = results
            .Select(diagnostics => diagnostics
                .OrderBy(d => d.Span.StartLine)
                .ThenBy(d => d.Span.StartColumn)
                .Select(info => (Info: info, Diagnostic: seesAllActions ? info.ToDiagnostic() : Unresolved(info) ?? info.ToDiagnostic()))
                .ToList())
            .ToArray();
        if (seesAllActions)
        {
            return reports;
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var report in reports)
            {
                for (var k = 0; k < report.Count; k++)
                {
                    var (info, diagnostic) = report[k];
                    if (info.Id == "WF0306" && diagnostic.Severity == DiagnosticSeverity.Error && !CalleeHasErrors(info.Arguments[2]))
                    {
                        report[k] = (info, Diagnostic.Create(CalledWorkflowUnresolved, Location.None, info.Arguments[0], info.Arguments[1], info.Arguments[2]));
                        changed = true;
                    }
                }
            }
        }
        while (changed);

        return reports;

        bool CalleeHasErrors(string fileName)
            => Enumerable.Range(0, files.Count).Any(j =>
                string.Equals(Path.GetFileName(files[j].Path), fileName, StringComparison.Ordinal)
                && reports[j].Any(r => r.Diagnostic.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>The warning for a diagnostic that only says the validator cannot see something, or null.</summary>
    private static Diagnostic? Unresolved(DiagnosticInfo info) => info.Id switch
    {
        "WF0003" => Diagnostic.Create(UnresolvedAction, Location.None, info.Arguments[0], info.Arguments[1], DidYouMean(info.Arguments[2])),
        "WF0108" when info.Arguments[1].Contains('.', StringComparison.Ordinal)
            => Diagnostic.Create(UnresolvedInputType, Location.None, info.Arguments[0], info.Arguments[1]),
        _ => null,
    };

    /// <summary>Keeps a "Did you mean" from the build's message; drops its "No [WorkflowAction] method has this name".</summary>
    private static string DidYouMean(string hint) => hint.StartsWith(". Did you mean", StringComparison.Ordinal) ? hint : string.Empty;

    /// <summary>
    /// Files as given, and the workflow files under directories as given (skipping bin, obj, node_modules and
    /// hidden folders), each once, named by the path given on the command line; null after reporting a missing path.
    /// </summary>
    private List<string>? FindFiles(IReadOnlyList<string> paths)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                Add(path);
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Search(path))
                {
                    Add(file);
                }
            }
            else
            {
                _error.WriteLine($"error: no such file or directory: '{path}'");
                return null;
            }
        }

        return result;

        void Add(string file)
        {
            if (seen.Add(Path.GetFullPath(file)))
            {
                result.Add(file);
            }
        }
    }

    private static IEnumerable<string> Search(string directory)
    {
        var files = Patterns
            .SelectMany(pattern => Directory.EnumerateFiles(directory, pattern))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            yield return file;
        }

        var subdirectories = Directory.EnumerateDirectories(directory)
            .Where(d => Path.GetFileName(d) is { } name && !name.StartsWith('.') && !SkippedDirectories.Contains(name))
            .Order(StringComparer.Ordinal);
        foreach (var subdirectory in subdirectories)
        {
            foreach (var file in Search(subdirectory))
            {
                yield return file;
            }
        }
    }

    /// <summary>
    /// The framework assemblies of the running runtime, Workflows.dll and its dependencies from beside the tool,
    /// then each <c>--actions</c> assembly and the assemblies it references that sit in its folder (transitively).
    /// One assembly per simple name, the first found; null after reporting an unreadable assembly.
    /// </summary>
    private List<MetadataReference>? References(IReadOnlyList<string> actions)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var toolDirectory = Path.GetFullPath(AppContext.BaseDirectory);
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !Path.GetFullPath(p).StartsWith(toolDirectory, StringComparison.Ordinal));
        foreach (var path in platform)
        {
            byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }

        AddWithDependencies(Path.Combine(toolDirectory, "Workflows.dll"), byName);

        foreach (var assembly in actions)
        {
            if (!File.Exists(assembly))
            {
                _error.WriteLine($"error: no such assembly: '{assembly}'");
                return null;
            }

            if (ReadAssemblyName(assembly, out var problem) is not { } name)
            {
                _error.WriteLine($"error: cannot read assembly '{assembly}': {problem}");
                return null;
            }

            if (byName.TryGetValue(name, out var existing) && !string.Equals(Path.GetFullPath(existing), Path.GetFullPath(assembly), StringComparison.Ordinal))
            {
                _error.WriteLine($"error: cannot use assembly '{assembly}': an assembly named '{name}' is already referenced ('{existing}')");
                return null;
            }

            AddWithDependencies(assembly, byName);
        }

        return byName.Values
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    }

    private static void AddWithDependencies(string assembly, Dictionary<string, string> byName)
    {
        var pending = new Stack<string>();
        pending.Push(assembly);
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            if (ReadAssembly(path) is not { } read || (byName.TryGetValue(read.Name, out var known) && !string.Equals(known, path, StringComparison.Ordinal)))
            {
                continue;
            }

            byName[read.Name] = path;
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            foreach (var reference in read.References)
            {
                var candidate = Path.Combine(directory, reference + ".dll");
                if (!byName.ContainsKey(reference) && File.Exists(candidate))
                {
                    pending.Push(candidate);
                }
            }
        }
    }

    private static string? ReadAssemblyName(string path, out string problem)
    {
        try
        {
            var read = ReadAssemblyCore(path);
            problem = read is null ? "not a .NET assembly" : string.Empty;
            return read?.Name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            problem = e.Message;
            return null;
        }
    }

    private static (string Name, List<string> References)? ReadAssembly(string path)
    {
        try
        {
            return ReadAssemblyCore(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static (string Name, List<string> References)? ReadAssemblyCore(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return null;
        }

        var metadata = pe.GetMetadataReader();
        if (!metadata.IsAssembly)
        {
            return null;
        }

        var name = metadata.GetString(metadata.GetAssemblyDefinition().Name);
        var references = metadata.AssemblyReferences
            .Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name))
            .ToList();
        return (name, references);
    }
}
