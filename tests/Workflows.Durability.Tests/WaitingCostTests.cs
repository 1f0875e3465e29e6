using System;
using System.IO;
using System.Threading.Tasks;
using Workflows.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Workflows.Durability.Tests;

/// <summary>
/// Nothing of a waiting run stays in the process: 10,000 runs that wait for a signal cost rows in the store, while
/// the process's managed memory after a full collection stays where it was.
/// </summary>
/// <remarks>Alone in its collection, run with no other test: the figure is the whole process's managed memory.</remarks>
[Collection(nameof(WaitingCostTests))]
public sealed class WaitingCostTests(ITestOutputHelper output) : IDisposable
{
    private const int Runs = 10_000;

    /// <summary>What the process may keep per waiting run, at most: far less than one DurableRun, task or timer.</summary>
    private const long BytesPerRunAllowed = 64;

    private readonly string _directory = Directory.CreateTempSubdirectory("wf-waiting-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Ten_thousand_waiting_runs_cost_store_rows_not_process_memory()
    {
        var store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
        var workflow = new ParkedWorkflow(new WorkflowOptions { Store = store, Owner = "host-a", LeaseDuration = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 200; i++)
        {
            await ParkAsync(workflow, "warm-" + i); // JIT, pools, caches: before the baseline
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = DateTime.UtcNow;
        for (var i = 0; i < Runs; i++)
        {
            await ParkAsync(workflow, "park-" + i);
        }

        var elapsed = DateTime.UtcNow - started;
        var after = GC.GetTotalMemory(forceFullCollection: true);

        var waiting = await store.ListRunsAsync(new RunQuery(ParkedWorkflow.WorkflowName, RunStatus.Waiting, Limit: 2 * Runs));
        Assert.Equal(Runs + 200, waiting.Count);
        var growth = after - before;
        output.WriteLine($"{Runs:N0} runs parked in {elapsed.TotalSeconds:F1} s; managed memory {before / 1024:N0} KB before, {after / 1024:N0} KB after ({growth / (double)Runs:F1} bytes per waiting run)");
        Assert.True(growth < BytesPerRunAllowed * Runs, $"Managed memory grew by {growth:N0} bytes for {Runs:N0} waiting runs.");

        // And they are all still there to be continued: one signal wakes one run, which completes.
        await ParkedWorkflow.SendGoAsync(new WorkflowRuns(store), "park-4242");
        Assert.Equal(1, await workflow.RecoverAsync());
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync("park-4242"))!.Status);
    }

    private static async Task ParkAsync(ParkedWorkflow workflow, string runId)
    {
        try
        {
            await workflow.RunDurableAsync(runId);
            throw new InvalidOperationException($"Run {runId} did not wait.");
        }
        catch (WorkflowRunWaitingException)
        {
        }
    }
}

/// <summary>Runs <see cref="WaitingCostTests"/> while no other test runs.</summary>
[CollectionDefinition(nameof(WaitingCostTests), DisableParallelization = true)]
public sealed class WaitingCostCollection
{
}
