using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// A run that waits for a signal and sleeps, across processes: killed mid-step before the wait, left waiting with
/// no process at all while the signal is sent, killed again mid-step after the signal, then continued after its
/// sleep: it completes once, with the signal's value.
/// </summary>
public sealed partial class CrashTests
{
    [Fact]
    public async Task SQLite_waiting_run_survives_kills_and_a_signal_sent_while_no_process_runs()
    {
        var path = Path.Combine(_directory, "waiting.db");
        await WaitAcrossKillsAsync("sqlite:" + path, () => new Sqlite.SqliteWorkflowStore(path));
    }

    [PostgreSqlFact]
    public async Task PostgreSQL_waiting_run_survives_kills_and_a_signal_sent_while_no_process_runs()
    {
        var schema = "wf_wait_" + Guid.NewGuid().ToString("N");
        var connection = await PostgreSqlServer.ConnectionStringAsync();
        using var store = new PostgreSql.PostgreSqlWorkflowStore(connection, schema);
        try
        {
            await WaitAcrossKillsAsync($"postgres:{connection};schema={schema}", () => store);
        }
        finally
        {
            await using var data = Npgsql.NpgsqlDataSource.Create(connection);
            await using var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task WaitAcrossKillsAsync(string storeSpec, Func<IWorkflowStore> openStore)
    {
        const string RunId = "wait-1";
        var log = Path.Combine(_directory, "waiting-" + Guid.NewGuid().ToString("N") + ".log");

        // 1. Killed while 'before' runs (its action started; a second start would hang).
        await KillAfterStartsAsync(storeSpec, RunId, log, starts: 1);

        // 2. The next worker completes 'before' and leaves: the run waits, and no process runs.
        Assert.StartsWith("WAITING signal approve since ", await WaitingAsync(storeSpec, RunId, log));
        var store = openStore();
        Assert.Equal(RunStatus.Waiting, (await store.GetRunAsync(RunId))!.Status);

        // 3. The signal arrives while no process runs.
        Assert.True(await new WorkflowRuns(store).SignalAsync(RunId, "approve", "\"ann\""));

        // 4. Killed while 'approved' runs, after the signal was consumed.
        await KillAfterStartsAsync(storeSpec, RunId, log, starts: 1);
        Assert.Equal("approve", (await ((IWorkflowSignalStore)store).GetSignalsAsync(RunId)).Single().ConsumedBy); // consumed with its step's record

        // 5. The next workers run 'approved' again if its record did not make it before the kill, sleep (the run
        //    leaves, WAITING) and, once the time has come, complete the run.
        string? output = null;
        var deadline = DateTime.UtcNow + s_guard;
        while (output is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not complete after its sleep");
            using var process = Start(storeSpec, "approval:" + RunId, log);
            var lines = await LinesAsync(process);
            output = lines.FirstOrDefault(l => l.StartsWith("OUTPUT ", StringComparison.Ordinal));
            Assert.True(output is not null || lines.Any(l => l.StartsWith("WAITING sleeping until ", StringComparison.Ordinal)), string.Join("\n", lines));
        }

        Assert.Equal("OUTPUT after-nap(18)", output); // after-nap's input: "approved-by-ann(9)", the signal's value in it
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync(RunId))!.Status);
        var steps = await store.GetStepsAsync(RunId);
        Assert.Equal(new[] { "after-nap", "approve", "approved", "before", "nap" }, steps.Select(s => s.StepId).Order(StringComparer.Ordinal));
        Assert.Equal("\"ann\"", steps.Single(s => s.StepId == "approve").OutputJson);
        Assert.Equal("approve", (await ((IWorkflowSignalStore)store).GetSignalsAsync(RunId)).Single().ConsumedBy);
        var starts = File.ReadAllLines(log).Where(l => l.StartsWith("start ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Assert.Equal(1, starts.Count(s => s == "after-nap"));
        Assert.InRange(starts.Count(s => s == "approved-by-ann"), 1, 2); // at least once: again if the kill came before its record
    }

    private static async Task KillAfterStartsAsync(string storeSpec, string runId, string log, int starts)
    {
        var before = File.Exists(log) ? File.ReadAllLines(log).Length : 0;
        using var process = Start(storeSpec, "approval:" + runId, log, hangAfterStarts: starts);
        var deadline = DateTime.UtcNow + s_guard;
        while (CountStarts(log, before) < starts)
        {
            Assert.False(process.HasExited, "the worker ended before it was killed: " + await process.StandardError.ReadToEndAsync());
            Assert.True(DateTime.UtcNow < deadline, "the worker made no progress");
            await Task.Delay(2);
        }

        process.Kill(); // SIGKILL, mid-step
        await process.WaitForExitAsync();
    }

    private static async Task<string> WaitingAsync(string storeSpec, string runId, string log)
    {
        using var process = Start(storeSpec, "approval:" + runId, log);
        return (await LinesAsync(process)).Single(l => l.StartsWith("WAITING ", StringComparison.Ordinal));
    }

    private static async Task<string[]> LinesAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(s_guard);
        Assert.True(process.ExitCode == 0, $"worker exited {process.ExitCode}: {await stderr}");
        return (await stdout).Split('\n').Select(l => l.Trim()).ToArray();
    }
}
