using System;
using System.Text.Json.Serialization;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Workflows.Durability;

namespace Workflows.Benchmarks;

[JsonSerializable(typeof(int))]
public sealed partial class BenchJson : JsonSerializerContext
{
}

public static class DurableBenchActions
{
    [WorkflowAction("bench.value")]
    public static int Value(int input) => input + 1;

    [WorkflowAction("bench.async")]
    public static async Task<int> AsyncValue(int input)
    {
        await Task.Yield();
        return input + 1;
    }
}

/// <summary>
/// The cost of a checkpoint: a 10-step and a 1-step durable chain on SQLite and PostgreSQL, next to the same
/// runs in memory (no store). Per step = (10-step − 1-step) / 9; the 1-step run shows the run's own start and
/// completion (start, claim check, outcome, event).
/// </summary>
/// <remarks>
/// PostgreSQL: <c>WORKFLOWS_POSTGRES</c>, else a private server started like the tests' (<see cref="Durability.Tests.PostgreSqlServer"/>,
/// linked), but flushing every commit to disk as a production server does.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(DurableConfig))]
public class DurableBenchmarks
{
    private DurableStores _stores = null!;
    private DurableChainWorkflow _inMemory = null!;
    private DurableChainWorkflow _sqlite = null!;
    private DurableSingleWorkflow _sqliteSingle = null!;
    private DurableChainWorkflow _postgres = null!;
    private DurableSingleWorkflow _postgresSingle = null!;
    private DurableWideWorkflow _sqliteWide = null!;
    private DurableWideWorkflow _postgresWide = null!;
    private long _id;

    [GlobalSetup]
    public void Setup()
    {
        _stores = DurableStores.Create();
        var sqlite = new WorkflowOptions { Store = _stores.Sqlite };
        _inMemory = new DurableChainWorkflow();
        _sqlite = new DurableChainWorkflow(sqlite);
        _sqliteSingle = new DurableSingleWorkflow(sqlite);
        _sqliteWide = new DurableWideWorkflow(sqlite);
        var postgres = new WorkflowOptions { Store = _stores.Postgres };
        _postgres = new DurableChainWorkflow(postgres);
        _postgresSingle = new DurableSingleWorkflow(postgres);
        _postgresWide = new DurableWideWorkflow(postgres);
    }

    [GlobalCleanup]
    public void Cleanup() => _stores.Dispose();

    private string NextId() => "bench-" + ++_id;

    [Benchmark(Baseline = true, Description = "10 steps, in memory")]
    public ValueTask InMemory() => _inMemory.RunAsync();

    [Benchmark(Description = "10 steps, SQLite")]
    public ValueTask Sqlite10() => _sqlite.RunDurableAsync(NextId());

    [Benchmark(Description = "1 step, SQLite")]
    public ValueTask Sqlite1() => _sqliteSingle.RunDurableAsync(NextId());

    [Benchmark(Description = "10 steps, PostgreSQL")]
    public ValueTask Postgres10() => _postgres.RunDurableAsync(NextId());

    [Benchmark(Description = "1 step, PostgreSQL")]
    public ValueTask Postgres1() => _postgresSingle.RunDurableAsync(NextId());

    [Benchmark(Description = "1 → 8 → 1, SQLite")]
    public ValueTask SqliteWide() => _sqliteWide.RunDurableAsync(NextId());

    [Benchmark(Description = "1 → 8 → 1, PostgreSQL")]
    public ValueTask PostgresWide() => _postgresWide.RunDurableAsync(NextId());
}
