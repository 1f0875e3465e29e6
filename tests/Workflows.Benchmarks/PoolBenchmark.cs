using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Npgsql;
using Workflows.Durability.Tests;

namespace Workflows.Benchmarks;

/// <summary>
/// Worker processes (crash-worker --pool: a WorkflowHostService each) on one PostgreSQL server (real commits), running
/// pool-io (three steps awaiting 2 ms of I/O each, two in parallel):
/// <list type="bullet">
/// <item>latency: one idle worker; runs enqueued one at a time at random points; from the run's creation to its first
/// step's start, polling only (ClaimInterval 1 s) and with LISTEN/NOTIFY wake-ups;</item>
/// <item>throughput: 2,000 runs enqueued, then 1, 2 or 4 workers (MaxConcurrentRuns 16 each) started; runs per second
/// from the first step's start to the last run's end.</item>
/// </list>
/// Times come from the store's records (one machine, one clock), not from this process.
/// </summary>
internal static class PoolBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        PostgreSqlServer.FlushCommits = true;
        var connection = await PostgreSqlServer.ConnectionStringAsync();
        await using var data = NpgsqlDataSource.Create(connection);
        Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");

        foreach (var wakeups in new[] { false, true })
        {
            var schema = await NewSchemaAsync(data);
            var spec = $"postgres:{connection};schema={schema}";
            var worker = await StartWorkerAsync(spec, wakeups);
            await WaitForListenersAsync(data, wakeups ? 1 : 0); // the listener connects after READY
            await EnqueueAsync(spec, 30, "lat", spacingMs: 400);
            var latencies = await QueryAsync(data, $"SELECT extract(epoch FROM (min(s.started_at) - r.created_at)) * 1000 FROM \"{schema}\".runs r JOIN \"{schema}\".steps s USING (run_id) GROUP BY r.run_id, r.created_at", async () => await CountSucceededAsync(data, schema) < 30);
            await StopAsync(worker);
            latencies.Sort();
            Console.WriteLine($"latency {(wakeups ? "LISTEN/NOTIFY" : "poll 1 s     ")}: median {latencies[latencies.Count / 2]:F1} ms, p90 {latencies[(int)(latencies.Count * 0.9)]:F1} ms, min {latencies[0]:F1} ms, max {latencies[^1]:F1} ms ({latencies.Count} runs)");
            await DropAsync(data, schema);
        }

        foreach (var workers in new[] { 1, 2, 4 })
        {
            var schema = await NewSchemaAsync(data);
            var spec = $"postgres:{connection};schema={schema}";
            // Enqueued, then held (paused) until every worker is up, so that all start together: released with one
            // statement and one wake-up notice.
            await EnqueueAsync(spec, runs, "tp", spacingMs: 0);
            await ExecuteAsync(data, $"UPDATE \"{schema}\".runs SET status = 'paused' WHERE status = 'pending'");
            var pool = new List<Process>();
            for (var i = 0; i < workers; i++)
            {
                pool.Add(await StartWorkerAsync(spec, wakeups: true));
            }

            await WaitForListenersAsync(data, workers); // the listeners connect after READY
            await ExecuteAsync(data, $"UPDATE \"{schema}\".runs SET status = 'pending' WHERE status = 'paused'; SELECT pg_notify('workflows_runnable', '{schema}' || chr(10))");

            var span = await QueryAsync(data, $"SELECT extract(epoch FROM (max(r.completed_at) - min(s.started_at))) FROM \"{schema}\".runs r JOIN \"{schema}\".steps s USING (run_id)", async () => await CountSucceededAsync(data, schema) < runs);
            foreach (var worker in pool)
            {
                await StopAsync(worker);
            }

            Console.WriteLine($"throughput, {workers} worker process(es): {runs / span[0]:F0} runs/s ({runs} runs in {span[0]:F2} s), load {File.ReadAllText("/proc/loadavg").Trim()}");
            await DropAsync(data, schema);
        }
    }

    private static async Task<string> NewSchemaAsync(NpgsqlDataSource data)
    {
        var schema = "bench_pool_" + Guid.NewGuid().ToString("N")[..12];
        using var store = new PostgreSql.PostgreSqlWorkflowStore(data, schema);
        await store.ListRunsAsync(new Durability.RunQuery(Limit: 1)); // creates the schema before the workers race to
        return schema;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task DropAsync(NpgsqlDataSource data, string schema)
    {
        await using var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<int> CountSucceededAsync(NpgsqlDataSource data, string schema)
    {
        await using var count = data.CreateCommand($"SELECT count(*) FROM \"{schema}\".runs WHERE status = 'succeeded'");
        return Convert.ToInt32(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits while <paramref name="notDone"/> (polling only decides when to read the records), then reads the figures.</summary>
    private static async Task<List<double>> QueryAsync(NpgsqlDataSource data, string sql, Func<Task<bool>> notDone)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (await notDone())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the runs did not complete in 10 minutes");
            }

            await Task.Delay(50);
        }

        await using var command = data.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<double>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return values;
    }

    private static async Task EnqueueAsync(string spec, int count, string prefix, int spacingMs)
    {
        using var enqueue = Start(spec, wakeups: true, "--enqueue", count.ToString(CultureInfo.InvariantCulture), prefix, spacingMs.ToString(CultureInfo.InvariantCulture));
        var output = await enqueue.StandardOutput.ReadToEndAsync();
        await enqueue.WaitForExitAsync();
        if (enqueue.ExitCode != 0)
        {
            throw new InvalidOperationException("enqueue failed: " + output + await enqueue.StandardError.ReadToEndAsync());
        }
    }

    /// <summary>Waits until PostgreSQL shows <paramref name="count"/> connections listening for wake-ups (a gate, not a guess).</summary>
    private static async Task WaitForListenersAsync(NpgsqlDataSource data, int count)
    {
        while (true)
        {
            await using var command = data.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN workflows_runnable%'");
            if (Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) >= count)
            {
                return;
            }

            await Task.Delay(10);
        }
    }

    private static async Task<Process> StartWorkerAsync(string spec, bool wakeups)
    {
        var worker = Start(spec, wakeups, "--pool", Path.Combine(Path.GetTempPath(), "bench-pool-logs"));
        var ready = await worker.StandardOutput.ReadLineAsync();
        if (ready != "READY")
        {
            throw new InvalidOperationException("worker did not start: " + ready + await worker.StandardError.ReadToEndAsync());
        }

        return worker;
    }

    private static async Task StopAsync(Process worker)
    {
        worker.StandardInput.Close();
        await worker.WaitForExitAsync();
        worker.Dispose();
    }

    private static Process Start(string spec, bool wakeups, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory.Replace("Workflows.Benchmarks", "Workflows.CrashWorker"), "Workflows.CrashWorker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(spec);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["POOL_STEP_DELAY_MS"] = "2";
        start.Environment["POOL_MAX"] = "16";
        start.Environment["POOL_CLAIM_MS"] = "1000";
        start.Environment["CRASH_LEASE_MS"] = "30000";
        if (!wakeups)
        {
            start.Environment["POOL_WAKEUPS"] = "0";
        }

        return Process.Start(start)!;
    }
}
