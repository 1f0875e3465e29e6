using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Interpreter;

namespace Workflows.Benchmarks;

/// <summary>1 -> 8 -> 1, every action awaits <c>Task.Yield()</c>.</summary>
[MemoryDiagnoser]
[Config(typeof(RunTimeConfig))]
public class DiamondBenchmarks
{
    private DiamondWorkflow _workflow = null!;
    private WorkflowInterpreter _interpreter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workflow = new DiamondWorkflow();
        _interpreter = WorkflowInterpreter.LoadEmbedded("diamond.workflow.yaml");
    }

    [Benchmark(Baseline = true, Description = "hand-written")]
    public Task HandWritten() => Workflows.Benchmarks.HandWritten.DiamondAsync();

    [Benchmark(Description = "generated")]
    public ValueTask Generated() => _workflow.RunAsync();

    [Benchmark(Description = "interpreter")]
    public Task Interpreter() => _interpreter.RunAsync();
}
