using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Interpreter;

namespace Workflows.Benchmarks;

/// <summary>200 steps: 20 layers of 10, each step depending on 2 steps of the previous layer; synchronous no-op actions.</summary>
[MemoryDiagnoser]
[Config(typeof(RunTimeConfig))]
public class LayeredBenchmarks
{
    private LayeredWorkflow _workflow = null!;
    private WorkflowInterpreter _interpreter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workflow = new LayeredWorkflow();
        _interpreter = WorkflowInterpreter.LoadEmbedded("layered.workflow.yaml");
    }

    [Benchmark(Baseline = true, Description = "hand-written")]
    public ValueTask HandWritten() => Workflows.Benchmarks.HandWritten.LayeredAsync();

    [Benchmark(Description = "generated")]
    public ValueTask Generated() => _workflow.RunAsync();

    [Benchmark(Description = "interpreter")]
    public Task Interpreter() => _interpreter.RunAsync();
}
