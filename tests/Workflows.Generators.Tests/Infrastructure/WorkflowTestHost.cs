using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Workflows.Generators.Tests.Infrastructure;

/// <summary>What a build of a test project produced: the generator's output and every diagnostic.</summary>
internal sealed record BuildResult(
    GeneratorDriverRunResult Generator,
    Compilation Output,
    ImmutableArray<Diagnostic> AnalyzerDiagnostics,
    IReadOnlyList<Exception> AnalyzerExceptions)
{
    private readonly Lazy<ImmutableArray<Diagnostic>> _compilerDiagnostics = new(() => Output.GetDiagnostics());

    /// <summary>Compiles the output on first use: binding every generated method body is the slow part.</summary>
    public ImmutableArray<Diagnostic> CompilerDiagnostics => _compilerDiagnostics.Value;

    public IEnumerable<Diagnostic> WorkflowDiagnostics => AnalyzerDiagnostics.Where(d => d.Id.StartsWith("WF", StringComparison.Ordinal));

    public IEnumerable<Diagnostic> CompilerErrors => CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>
    /// The executors generated: every source but the surfaces of workflows with errors (whose members throw) and the
    /// list of registrations. A workflow with errors must never get one.
    /// </summary>
    public IEnumerable<GeneratedSourceResult> Executors
        => Generator.Results.Single().GeneratedSources.Where(s => s.HintName != "WorkflowRegistrations.g.cs" && !IsSurface(s.SourceText.ToString()));

    /// <summary>The surface of a workflow with errors: its class under [Obsolete(DiagnosticId = "WF0020")].</summary>
    public static bool IsSurface(string source) => source.Contains("DiagnosticId = \"WF0020\")]", StringComparison.Ordinal);

    public string? GeneratedSource(string hintNameEnd)
        => Generator.Results.Single().GeneratedSources.FirstOrDefault(s => s.HintName.EndsWith(hintNameEnd, StringComparison.Ordinal)).SourceText?.ToString();
}

/// <summary>
/// Builds a small C# project with workflow files the way the compiler does: generator first, then the
/// analyzer over the generated compilation. <c>Microsoft.CodeAnalysis.Testing</c> is not available here.
/// </summary>
internal static class WorkflowTestHost
{
    public const string RootNamespace = "TestApp";

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = paths
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(WorkflowActionAttribute).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Polly.ResiliencePipeline).Assembly.Location));
        references.Add(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location));
        return references.ToImmutableArray();
    });

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CreateCompilation(sources, Enumerable.Empty<MetadataReference>());

    public static CSharpCompilation CreateCompilation(string[] sources, IEnumerable<MetadataReference> additionalReferences)
        => CSharpCompilation.Create(
            "TestApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: $"Source{i}.cs")),
            s_references.Value.Concat(additionalReferences),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // As the SDK does: the runtime (built for net8.0) referenced next to this runtime's newer assemblies.
                .WithSpecificDiagnosticOptions(new[] { KeyValuePair.Create("CS1701", ReportDiagnostic.Suppress), KeyValuePair.Create("CS1702", ReportDiagnostic.Suppress) }));

    public static AnalyzerConfigOptionsProvider Options(string? rootNamespace = RootNamespace)
        => new TestOptionsProvider(rootNamespace is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> files, AnalyzerConfigOptionsProvider? options = null)
        => CSharpGeneratorDriver.Create(
            new[] { new WorkflowGenerator().AsSourceGenerator() },
            files,
            new CSharpParseOptions(LanguageVersion.Latest),
            options ?? Options(),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Builds <paramref name="csharp"/> with the given workflow files (path, text).</summary>
    public static BuildResult Build(string csharp, params (string Path, string Text)[] workflows)
        => Build(new[] { csharp }, workflows);

    public static BuildResult Build(string[] csharp, (string Path, string Text)[] workflows, string? rootNamespace = RootNamespace, MetadataReference[]? additionalReferences = null)
    {
        var compilation = CreateCompilation(csharp, additionalReferences ?? System.Array.Empty<MetadataReference>());
        var files = workflows.Select(w => (AdditionalText)new InMemoryAdditionalText(w.Path, w.Text)).ToImmutableArray();
        var options = Options(rootNamespace);
        var driver = CreateDriver(files, options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        var exceptions = new List<Exception>();
        var withAnalyzers = output.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new WorkflowAnalyzer()),
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(files, options),
                onAnalyzerException: (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false));
        var analyzerDiagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

        return new BuildResult(driver.GetRunResult(), output, analyzerDiagnostics, exceptions);
    }
}
