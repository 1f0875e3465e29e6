using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Npgsql;
using Workflows.Durability;
using Workflows.PostgreSql;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Step records made while another is being written share the next transaction (group commit), and each call keeps
/// its own meaning. A gate holds the first (lone) write while the others queue, so every call here is in the batch.
/// </summary>
public abstract class GroupCommitTests : IAsyncLifetime
{
    private readonly DateTimeOffset _now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    protected IWorkflowStore Store { get; private set; } = null!;

    protected abstract Task<IWorkflowStore> CreateStoreAsync();

    /// <summary>Sets (or clears) the store's gate before a lone write (given its run id).</summary>
    protected abstract void HoldLoneWrites(IWorkflowStore store, Func<string, ValueTask>? hold);

    /// <summary>Sets (or clears) the store's gate before a batch's write (given its run ids).</summary>
    protected abstract void HoldBatchWrites(IWorkflowStore store, Func<IReadOnlyList<string>, ValueTask>? hold);

    /// <summary>How many step writes the store lets be in flight at once.</summary>
    protected abstract int WritesInFlight(IWorkflowStore store);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public abstract Task DisposeAsync();

    protected StepRecord Step(string runId, string stepId, string? signature = "action:v1", StepStatus status = StepStatus.Succeeded, int attempts = 1) =>
        new(runId, stepId, -1, signature!, attempts, status, "{\"ok\":true}", null, _now.AddSeconds(-2), _now.AddSeconds(-1));

    protected async Task StartAsync(params string[] runIds)
    {
        foreach (var id in runIds)
        {
            await Store.StartRunAsync(new NewRun(id, "orders", "hash-1", null, _now), "owner-a", _now.AddMinutes(10));
        }
    }

    /// <summary>Holds a lone write in every slot (one per lead run), so that the next calls wait.</summary>
    private async Task<(Task<bool>[] Leads, TaskCompletionSource Gate)> FillSlotsAsync()
    {
        var leads = Enumerable.Range(0, WritesInFlight(Store)).Select(i => "lead" + i).ToArray();
        await StartAsync(leads);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HoldLoneWrites(Store, _ => new ValueTask(gate.Task));
        var calls = leads.Select(lead => Store.RecordStepsAsync(lead, "owner-a", [Step(lead, "x")]).AsTask()).ToArray();
        HoldLoneWrites(Store, null);
        return (calls, gate);
    }

    /// <summary>Makes the calls while every write slot holds a lone write, so all of them wait for one batch; then lets them go.</summary>
    protected async Task<Task<bool>[]> RecordTogetherAsync(params Func<Task<bool>>[] calls)
    {
        var (leads, gate) = await FillSlotsAsync();
        var waiting = calls.Select(call => call()).ToArray();
        Assert.All(waiting, call => Assert.False(call.IsCompleted && !call.IsCanceled)); // queued behind the held writes (a cancelled one ends at once)
        gate.SetResult();
        Assert.All(await Task.WhenAll(leads), Assert.True);
        foreach (var call in waiting)
        {
            await ((Task)call).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        return waiting;
    }

    protected Func<Task<bool>> Call(string runId, string owner, params StepRecord[] steps) => () => Store.RecordStepsAsync(runId, owner, steps).AsTask();

    private async Task<string[]> StepIdsAsync(string runId) => (await Store.GetStepsAsync(runId)).Select(s => s.StepId).ToArray();

    [StoreFact]
    public async Task Waiting_calls_are_written_together_each_with_its_result()
    {
        await StartAsync("b", "c", "d");

        var results = await RecordTogetherAsync(
            Call("b", "owner-a", Step("b", "s1"), Step("b", "s2")),
            Call("c", "owner-a", Step("c", "s1")),
            Call("d", "owner-a", Step("d", "s1"), Step("d", "s2"), Step("d", "s3")));

        Assert.All(results, result => Assert.True(result.Result));
        Assert.Equal(["s1", "s2"], await StepIdsAsync("b"));
        Assert.Equal(["s1"], await StepIdsAsync("c"));
        Assert.Equal(["s1", "s2", "s3"], await StepIdsAsync("d"));
    }

    [StoreFact]
    public async Task A_run_whose_lease_is_lost_gets_false_and_nothing_of_it_is_written_the_others_are()
    {
        await StartAsync("b", "c", "d");

        var results = await RecordTogetherAsync(
            Call("b", "owner-a", Step("b", "s1")),
            Call("c", "owner-b", Step("c", "s1"), Step("c", "s2")), // not c's owner
            Call("d", "owner-a", Step("d", "s1")));

        Assert.Equal([true, false, true], results.Select(r => r.Result));
        Assert.Empty(await StepIdsAsync("c"));
        Assert.Equal(["s1"], await StepIdsAsync("b"));
        Assert.Equal(["s1"], await StepIdsAsync("d"));
    }

    [StoreFact]
    public async Task A_call_with_a_step_already_recorded_records_none_of_its_steps_the_others_are()
    {
        await StartAsync("b", "c", "d");
        Assert.True(await Store.RecordStepsAsync("c", "owner-a", [Step("c", "done")]));

        var results = await RecordTogetherAsync(
            Call("b", "owner-a", Step("b", "s1")),
            Call("c", "owner-a", Step("c", "new"), Step("c", "done")),
            Call("d", "owner-a", Step("d", "s1")));

        Assert.Equal([true, false, true], results.Select(r => r.Result));
        Assert.Equal(["done"], await StepIdsAsync("c"));
        Assert.Equal(["s1"], await StepIdsAsync("b"));
        Assert.Equal(["s1"], await StepIdsAsync("d"));
    }

    [StoreFact]
    public async Task An_error_in_one_call_fails_that_call_only()
    {
        await StartAsync("b", "c", "d");

        var results = await RecordTogetherAsync(
            Call("b", "owner-a", Step("b", "s1")),
            Call("c", "owner-a", Step("c", "s1"), Step("c", "bad", signature: null)), // NOT NULL violated
            Call("d", "owner-a", Step("d", "s1")));

        Assert.True(results[0].Result);
        Assert.True(results[1].IsFaulted);
        Assert.True(results[2].Result);
        Assert.Empty(await StepIdsAsync("c"));
        Assert.Equal(["s1"], await StepIdsAsync("b"));
        Assert.Equal(["s1"], await StepIdsAsync("d"));
    }

    [StoreFact]
    public async Task A_waiting_call_cancelled_before_its_batch_is_not_written()
    {
        await StartAsync("b", "c");
        using var cancel = new CancellationTokenSource();

        var results = await RecordTogetherAsync(
            Call("b", "owner-a", Step("b", "s1")),
            () =>
            {
                var call = Store.RecordStepsAsync("c", "owner-a", [Step("c", "s1")], cancel.Token).AsTask();
                cancel.Cancel();
                return call;
            });

        Assert.True(results[0].Result);
        Assert.True(results[1].IsCanceled);
        Assert.Empty(await StepIdsAsync("c"));
        Assert.Equal(["s1"], await StepIdsAsync("b"));
    }

    [StoreFact]
    public async Task Two_calls_for_one_run_are_written_in_turn_in_order()
    {
        await StartAsync("b", "c");

        var results = await RecordTogetherAsync(
            Call("b", "owner-a", Step("b", "first")),
            Call("c", "owner-a", Step("c", "s1")),
            Call("b", "owner-a", Step("b", "second")));

        Assert.All(results, result => Assert.True(result.Result));
        Assert.Equal(["first", "second"], await StepIdsAsync("b"));
    }

    [StoreFact]
    public async Task No_more_writes_than_the_bound_are_in_flight_and_a_call_is_acknowledged_only_after_its_batch_is_written()
    {
        await StartAsync("b", "c");
        var reached = new List<string>();
        var (leads, gate) = await FillSlotsAsync();
        HoldLoneWrites(Store, run =>
        {
            lock (reached)
            {
                reached.Add(run);
            }

            return default;
        });
        var batchReached = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var batchGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HoldBatchWrites(Store, runs =>
        {
            batchReached.TrySetResult(runs.ToArray());
            return new ValueTask(batchGate.Task);
        });

        // Every slot holds a write: these wait, none starts a write of its own.
        var b = Store.RecordStepsAsync("b", "owner-a", [Step("b", "s1")]).AsTask();
        var c = Store.RecordStepsAsync("c", "owner-a", [Step("c", "s1")]).AsTask();
        Assert.Empty(reached);
        Assert.False(b.IsCompleted);
        Assert.False(c.IsCompleted);

        // The leads end; the waiting calls' batch is held before its write: not acknowledged yet.
        gate.SetResult();
        Assert.All(await Task.WhenAll(leads), Assert.True);
        Assert.Equal(["b", "c"], await batchReached.Task);
        Assert.False(b.IsCompleted);
        Assert.False(c.IsCompleted);
        Assert.Empty(await StepIdsAsync("b"));

        batchGate.SetResult();
        Assert.True(await b);
        Assert.True(await c);
        Assert.Equal(["s1"], await StepIdsAsync("b"));
        Assert.Equal(["s1"], await StepIdsAsync("c"));
        Assert.Empty(reached);
        HoldLoneWrites(Store, null);
        HoldBatchWrites(Store, null);
    }

    [StoreFact]
    public async Task A_runs_next_call_waits_for_its_previous_write_even_with_a_slot_free_and_replaces_its_record_in_order()
    {
        await StartAsync("b", "c");
        var reached = new List<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HoldLoneWrites(Store, run =>
        {
            lock (reached)
            {
                reached.Add(run);
            }

            return run == "b" ? new ValueTask(gate.Task) : default;
        });

        // b's first record (still running) is held in its write; its second (final) must not be written beside it.
        var first = Store.RecordStepsAsync("b", "owner-a", [Step("b", "x", status: StepStatus.Running, attempts: 1)]).AsTask();
        var second = Store.RecordStepsAsync("b", "owner-a", [Step("b", "x", status: StepStatus.Succeeded, attempts: 2)]).AsTask();
        Assert.Equal(["b"], reached);
        if (WritesInFlight(Store) > 1)
        {
            // The free slot serves another run meanwhile.
            Assert.True(await Store.RecordStepsAsync("c", "owner-a", [Step("c", "s1")]));
            Assert.Equal(["b", "c"], reached);
        }

        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        gate.SetResult();
        Assert.True(await first);
        Assert.True(await second);
        var record = Assert.Single(await Store.GetStepsAsync("b"));
        Assert.Equal(StepStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Attempts);
        HoldLoneWrites(Store, null);
    }
}

/// <summary>The group commit on SQLite: a savepoint per call inside the shared transaction.</summary>
public sealed class SqliteGroupCommitTests : GroupCommitTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wf-group-").FullName;
    private SqliteWorkflowStore? _store;

    protected override Task<IWorkflowStore> CreateStoreAsync()
    {
        _store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
        return Task.FromResult<IWorkflowStore>(_store);
    }

    protected override void HoldLoneWrites(IWorkflowStore store, Func<string, ValueTask>? hold) => ((SqliteWorkflowStore)store).StepCommits.BeforeLoneWrite = hold;

    protected override void HoldBatchWrites(IWorkflowStore store, Func<IReadOnlyList<string>, ValueTask>? hold) => ((SqliteWorkflowStore)store).StepCommits.BeforeBatchWrite = hold;

    protected override int WritesInFlight(IWorkflowStore store) => ((SqliteWorkflowStore)store).StepCommits.MaxInFlight;

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The group commit on PostgreSQL: one statement and one commit for the batch.</summary>
[UsesPostgreSql]
public sealed class PostgreSqlGroupCommitTests : GroupCommitTests
{
    private readonly string _schema = "wf_group_" + Guid.NewGuid().ToString("N");
    private string _connection = "";
    private PostgreSqlWorkflowStore? _store;

    protected override async Task<IWorkflowStore> CreateStoreAsync()
    {
        _connection = await PostgreSqlServer.ConnectionStringAsync();
        _store = new PostgreSqlWorkflowStore(_connection, _schema);
        return _store;
    }

    protected override void HoldLoneWrites(IWorkflowStore store, Func<string, ValueTask>? hold) => ((PostgreSqlWorkflowStore)store).StepCommits.BeforeLoneWrite = hold;

    protected override void HoldBatchWrites(IWorkflowStore store, Func<IReadOnlyList<string>, ValueTask>? hold) => ((PostgreSqlWorkflowStore)store).StepCommits.BeforeBatchWrite = hold;

    protected override int WritesInFlight(IWorkflowStore store) => ((PostgreSqlWorkflowStore)store).StepCommits.MaxInFlight;

    public override async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_connection.Length == 0)
        {
            return;
        }

        await using var data = NpgsqlDataSource.Create(_connection);
        await using var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    [StoreFact]
    public async Task The_waiting_calls_share_one_transaction()
    {
        await StartAsync("b", "c", "d");

        await RecordTogetherAsync(Call("b", "owner-a", Step("b", "s1")), Call("c", "owner-a", Step("c", "s1")), Call("d", "owner-a", Step("d", "s1"), Step("d", "s2")));

        // Rows written by one transaction carry its id.
        await using var data = NpgsqlDataSource.Create(_connection);
        await using var transactions = data.CreateCommand($"SELECT count(DISTINCT xmin::text) FROM \"{_schema}\".steps WHERE run_id IN ('b', 'c', 'd')");
        Assert.Equal(1L, await transactions.ExecuteScalarAsync());
    }
}
