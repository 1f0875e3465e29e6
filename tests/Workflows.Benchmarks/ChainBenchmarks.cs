using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Interpreter;

namespace Workflows.Benchmarks;

/// <summary>A 10-step chain of synchronous no-op actions.</summary>
[MemoryDiagnoser]
[Config(typeof(RunTimeConfig))]
public class ChainBenchmarks
{
    private ChainWorkflow _workflow = null!;
    private WorkflowInterpreter _interpreter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workflow = new ChainWorkflow();
        _interpreter = WorkflowInterpreter.LoadEmbedded("chain.workflow.yaml");
    }

    [Benchmark(Baseline = true, Description = "hand-written")]
    public ValueTask HandWritten() => Workflows.Benchmarks.HandWritten.ChainAsync();

    [Benchmark(Description = "generated")]
    public ValueTask Generated() => _workflow.RunAsync();

    [Benchmark(Description = "interpreter")]
    public Task Interpreter() => _interpreter.RunAsync();
}
