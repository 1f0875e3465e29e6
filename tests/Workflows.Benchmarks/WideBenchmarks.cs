using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Workflows.Benchmarks.Interpreter;

namespace Workflows.Benchmarks;

/// <summary>100 independent steps, synchronous no-op actions.</summary>
[MemoryDiagnoser]
[Config(typeof(RunTimeConfig))]
public class WideBenchmarks
{
    private WideWorkflow _workflow = null!;
    private WorkflowInterpreter _interpreter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workflow = new WideWorkflow();
        _interpreter = WorkflowInterpreter.LoadEmbedded("wide.workflow.yaml");
    }

    [Benchmark(Baseline = true, Description = "hand-written")]
    public ValueTask HandWritten() => Workflows.Benchmarks.HandWritten.WideAsync();

    [Benchmark(Description = "generated")]
    public ValueTask Generated() => _workflow.RunAsync();

    [Benchmark(Description = "interpreter")]
    public Task Interpreter() => _interpreter.RunAsync();
}
