using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace Workflows.Benchmarks;

/// <summary>
/// Checkpoints per second with 1, 10 and 100 durable runs at once: each operation starts <see cref="Runs"/> runs of
/// the 10-step chain together and waits for all of them. Checkpoints per second = <see cref="Runs"/> × 10 / mean
/// (the runs' own start and end are in the time too). Concurrent runs share commits when the store groups them.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DurableConfig))]
public class CheckpointThroughputBenchmarks
{
    private DurableStores _stores = null!;
    private DurableChainWorkflow _workflow = null!;
    private ValueTask[] _runs = null!;
    private long _id;

    [Params("SQLite", "PostgreSQL")]
    public string Store { get; set; } = "";

    [Params(1, 10, 100)]
    public int Runs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _stores = DurableStores.Create();
        _workflow = new DurableChainWorkflow(new WorkflowOptions { Store = Store == "SQLite" ? _stores.Sqlite : _stores.Postgres });
        _runs = new ValueTask[Runs];
    }

    [GlobalCleanup]
    public void Cleanup() => _stores.Dispose();

    [Benchmark(Description = "runs of 10 checkpointed steps, at once")]
    public async Task RunTogether()
    {
        for (var i = 0; i < _runs.Length; i++)
        {
            _runs[i] = _workflow.RunDurableAsync("tp-" + ++_id);
        }

        foreach (var run in _runs)
        {
            await run.ConfigureAwait(false);
        }
    }
}
