using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Workflows.Generators;

namespace Workflows.Benchmarks;

/// <summary>
/// Build-time cost: 200 workflow files of 50 steps each, with their actions in one small C# file, driven
/// through <see cref="CSharpGeneratorDriver"/> and <see cref="CompilationWithAnalyzers"/> as the compiler does.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BuildTimeConfig))]
public class GeneratorBenchmarks
{
    public const int WorkflowCount = 200;
    public const int StepsPerWorkflow = 50;
    private const int StepsPerLayer = 5;

    private const string ActionsSource = """
        using System.Threading;
        using System.Threading.Tasks;
        using Workflows;

        namespace BenchApp;

        public static class Actions
        {
            [WorkflowAction("gen.noop")]
            public static void Noop() { }

            [WorkflowAction("gen.add")]
            public static int Add(int left, int right) => left + right;

            [WorkflowAction("gen.log")]
            public static void Log(string message) { }

            [WorkflowAction("gen.fetch")]
            public static Task<string> FetchAsync(string id, CancellationToken cancellationToken) => Task.FromResult(id);

            [WorkflowAction("gen.push")]
            public static ValueTask PushAsync(string environment, int replicas = 1) => default;
        }
        """;

    private readonly CSharpParseOptions _parseOptions = new(LanguageVersion.Latest);
    private readonly AnalyzerConfigOptionsProvider _options = new GlobalOptionsProvider("BenchApp");
    private ImmutableArray<AdditionalText> _files;
    private AdditionalText _edited = null!;
    private CSharpCompilation _compilation = null!;
    private GeneratorDriver _ranDriver = null!;
    private int _coldRuns;
    private int _edits;
    private ISourceGenerator _generator = null!;

    [GlobalSetup]
    public void Setup()
    {
        _files = Enumerable.Range(0, WorkflowCount)
            .Select(i => (AdditionalText)new InMemoryAdditionalText($"/app/flows/flow{i:000}.workflow.yaml", Workflow(i, edited: false)))
            .ToImmutableArray();
        _edited = new InMemoryAdditionalText(_files[0].Path, Workflow(0, edited: true));
        _compilation = CreateCompilation();
        _generator = new WorkflowGenerator().AsSourceGenerator();
        _ranDriver = CreateDriver().RunGenerators(_compilation);

        // The workload must be valid, or the numbers would measure error paths: one file per workflow, and the
        // project's WorkflowRegistrations.
        var generated = _ranDriver.GetRunResult().GeneratedTrees.Length;
        if (generated != WorkflowCount + 1)
        {
            throw new InvalidOperationException($"Expected {WorkflowCount + 1} generated files (one per workflow and the registrations), got {generated}");
        }

        var diagnostics = AnalyzeAsync().GetAwaiter().GetResult();
        if (!diagnostics.IsEmpty)
        {
            throw new InvalidOperationException("The workload has diagnostics: " + string.Join(Environment.NewLine, diagnostics.Take(5)));
        }
    }

    /// <summary>A clean build: a new driver over a fresh copy of the compilation (no cached symbols).</summary>
    [Benchmark(Description = "generator: full run, 200 files")]
    public GeneratorDriver FullRun() => CreateDriver().RunGenerators(_compilation.Clone());

    /// <summary>An edit in the IDE: one YAML file changed, the driver has already run over all 200.</summary>
    [Benchmark(Description = "generator: 1 file edited, incremental run")]
    public GeneratorDriver IncrementalRun() => _ranDriver.ReplaceAdditionalText(_files[0], _edited).RunGenerators(_compilation);

    /// <summary>
    /// The analyzer over the compilation with all 200 files (the actions' C#, the YAML as additional files), as a
    /// first build does: each run is a project the analyzer has not seen (its cache is per project).
    /// </summary>
    [Benchmark(Description = "analyzer: all 200 files, first run")]
    public Task<ImmutableArray<Diagnostic>> Analyzer() => AnalyzeAsync(_compilation.WithAssemblyName("BenchApp" + _coldRuns++), _files);

    /// <summary>
    /// An IDE's keystroke in a C# file that declares no action: a new compilation of the same project, the same
    /// workflow files.
    /// </summary>
    [Benchmark(Description = "analyzer: 1 C# file edited (not an action)")]
    public Task<ImmutableArray<Diagnostic>> AnalyzerAfterCSharpEdit()
    {
        var other = _compilation.SyntaxTrees.Single(t => t.FilePath == OtherPath);
        var edited = CSharpSyntaxTree.ParseText(OtherSource(++_edits), _parseOptions, path: OtherPath);
        return AnalyzeAsync(_compilation.ReplaceSyntaxTree(other, edited), _files);
    }

    /// <summary>An IDE's keystroke in one of the 200 workflow files (it alternates between two texts).</summary>
    [Benchmark(Description = "analyzer: 1 YAML file edited")]
    public Task<ImmutableArray<Diagnostic>> AnalyzerAfterYamlEdit()
        => AnalyzeAsync(_compilation, ++_edits % 2 == 0 ? _files : _files.SetItem(0, _edited));

    private Task<ImmutableArray<Diagnostic>> AnalyzeAsync() => AnalyzeAsync(_compilation.Clone(), _files);

    private Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, ImmutableArray<AdditionalText> files)
        => compilation
            .WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new WorkflowAnalyzer()),
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(files, _options), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);

    private const string OtherPath = "/app/Other.cs";

    private static string OtherSource(int edit) => $$"""
        namespace BenchApp;

        public sealed class Other
        {
            public int Count { get; set; } = {{edit}};

            public string Describe() => "other " + Count;
        }
        """;

    private GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(new[] { _generator }, _files, _parseOptions, _options);

    private CSharpCompilation CreateCompilation()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(WorkflowActionAttribute).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(Polly.ResiliencePipeline).Assembly.Location));
        return CSharpCompilation.Create(
            "BenchApp",
            new[] { CSharpSyntaxTree.ParseText(ActionsSource, _parseOptions, path: "/app/Actions.cs"), CSharpSyntaxTree.ParseText(OtherSource(0), _parseOptions, path: OtherPath) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>
    /// Workflow <paramref name="index"/>: 10 layers of 5 steps, each step depending on two steps of the layer
    /// before, mixing sync and async actions, literal <c>with:</c> values of several types and one expression
    /// per layer that reads a step's output.
    /// </summary>
    public static string Workflow(int index, bool edited)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"name: flow-{index:000}\n");
        yaml.Append("description: Generated for the build-time benchmark\n");
        yaml.Append("steps:\n");
        for (var step = 0; step < StepsPerWorkflow; step++)
        {
            var layer = step / StepsPerLayer;
            var position = step % StepsPerLayer;
            var id = Id(layer, position);
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: {id}\n");
            switch (position)
            {
                case 0:
                    yaml.Append(CultureInfo.InvariantCulture, $"    action: gen.add\n    with: {{ left: {step}, right: {index} }}\n");
                    break;
                case 1:
                    var message = layer == 0
                        ? (edited ? "edited start" : "start")
                        : $"sum ${{{{ steps.{Id(layer - 1, 0)}.output }}}} in layer {layer}";
                    yaml.Append(CultureInfo.InvariantCulture, $"    action: gen.log\n    with: {{ message: \"{message}\" }}\n");
                    break;
                case 2:
                    yaml.Append(CultureInfo.InvariantCulture, $"    action: gen.fetch\n    with: {{ id: item-{step} }}\n");
                    break;
                case 3:
                    yaml.Append(CultureInfo.InvariantCulture, $"    action: gen.push\n    with: {{ environment: env{layer}, replicas: {1 + layer % 3} }}\n");
                    break;
                default:
                    yaml.Append("    action: gen.noop\n");
                    break;
            }

            if (layer > 0)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    depends_on: [{Id(layer - 1, position)}, {Id(layer - 1, (position + 1) % StepsPerLayer)}]\n");
            }
        }

        return yaml.ToString();

        static string Id(int layer, int position) => $"s{layer:00}_{position}";
    }

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    /// <summary>The project's RootNamespace, as MSBuild passes it to the generator.</summary>
    private sealed class GlobalOptionsProvider(string rootNamespace) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });
        private static readonly Options s_empty = new(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_empty;

        private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
