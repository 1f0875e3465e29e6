using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Workflows.Durability;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Several worker PROCESSES (crash-worker --pool: a WorkflowHostService each) share one store and run enqueued runs
/// of pool-io (three steps that await I/O). Workers are killed with SIGKILL mid-way and restarted. Every run must
/// complete, every step be recorded once, and no step run again once it was recorded: a step runs twice only when
/// the process that ran it first was killed before recording it.
/// </summary>
public sealed class WorkerPoolProcessTests : IDisposable
{
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(100);
    private static readonly string[] s_steps = ["fetch", "transform", "store"];
    private readonly string _directory = Directory.CreateTempSubdirectory("wf-pool-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [PostgreSqlFact]
    public async Task PostgreSQL_2000_runs_on_3_worker_processes_two_killed_mid_way_all_complete_each_step_once()
    {
        var schema = "wf_pool_" + Guid.NewGuid().ToString("N");
        var connection = await PostgreSqlServer.ConnectionStringAsync();
        using var store = new PostgreSql.PostgreSqlWorkflowStore(connection, schema);
        await using var data = Npgsql.NpgsqlDataSource.Create(connection);
        try
        {
            await RunPoolAsync($"postgres:{connection};schema={schema}", store, runs: 2000, workers: 3, killAt: [0.25, 0.55], async () =>
            {
                await using var count = data.CreateCommand($"SELECT count(*) FROM \"{schema}\".runs WHERE status = 'succeeded'");
                return Convert.ToInt32(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            });
        }
        finally
        {
            await using var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Several processes on one SQLite file are supported on one machine: claims are atomic across processes (BEGIN
    /// IMMEDIATE), so two workers, one killed mid-way, share the runs without running a recorded step twice.
    /// </summary>
    [Fact]
    public async Task SQLite_300_runs_on_2_worker_processes_on_one_file_one_killed_mid_way_all_complete_each_step_once()
    {
        var path = Path.Combine(_directory, "pool.db");
        var store = new Sqlite.SqliteWorkflowStore(path);
        await RunPoolAsync("sqlite:" + path, store, runs: 300, workers: 2, killAt: [0.4], async () =>
        {
            await using var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            await sqlite.OpenAsync();
            await using var count = sqlite.CreateCommand();
            count.CommandText = "SELECT count(*) FROM runs WHERE status = 'succeeded'";
            return Convert.ToInt32(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        });
    }

    /// <summary>
    /// Limits across runs with several processes: 2,000 runs of pool-limited (concurrency 3 per customer, four customers,
    /// priorities 0-2) enqueued before the workers start, run by 3 worker processes, one SIGKILLed mid-way and restarted.
    /// Replaying every execution's interval from the logs: never more than 3 of a customer at once, and each run entered
    /// no earlier than its place in its customer's queue allows (all but 2 of the runs ahead of it had entered).
    /// </summary>
    [PostgreSqlFact]
    public async Task PostgreSQL_limits_hold_per_key_in_priority_order_across_3_worker_processes_one_killed()
    {
        const int Runs = 2000, Limit = 3;
        var schema = "wf_limits_" + Guid.NewGuid().ToString("N");
        var connection = await PostgreSqlServer.ConnectionStringAsync();
        using var store = new PostgreSql.PostgreSqlWorkflowStore(connection, schema);
        await using var data = Npgsql.NpgsqlDataSource.Create(connection);
        var storeSpec = $"postgres:{connection};schema={schema}";
        var logs = Path.Combine(_directory, "limited");
        var pool = new List<Process>();
        var kills = new Dictionary<int, long>();
        try
        {
            var enqueue = Start(storeSpec, "--enqueue-limited", Runs.ToString(CultureInfo.InvariantCulture), "lim");
            Assert.Contains($"ENQUEUED {Runs}", await enqueue.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(4)));
            await enqueue.WaitForExitAsync();
            for (var i = 0; i < 3; i++)
            {
                pool.Add(await StartWorkerAsync(storeSpec, logs));
            }

            async Task<int> SucceededAsync()
            {
                await using var count = data.CreateCommand($"SELECT count(*) FROM \"{schema}\".runs WHERE status = 'succeeded'");
                return Convert.ToInt32(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            }

            // Polling the count only decides when to kill and when to stop; it proves no timing.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4); // a guard against a hung test on a loaded machine, not a target
            int done;
            while ((done = await SucceededAsync()) < Runs * 0.4)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {done} of {Runs} runs completed in time");
                await Task.Delay(20);
            }

            Assert.True(done < Runs, "every run completed before the kill");
            kills[pool[0].Id] = DateTime.UtcNow.Ticks; // the process executes nothing once killed: its open intervals end here
            pool[0].Kill();
            await pool[0].WaitForExitAsync();
            pool[0].Dispose();
            pool[0] = await StartWorkerAsync(storeSpec, logs);
            while ((done = await SucceededAsync()) < Runs)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {done} of {Runs} runs completed in time");
                await Task.Delay(20);
            }

            foreach (var worker in pool)
            {
                worker.StandardInput.Close();
            }

            foreach (var worker in pool)
            {
                await worker.WaitForExitAsync().WaitAsync(s_guard);
            }
        }
        finally
        {
            foreach (var worker in pool)
            {
                if (!worker.HasExited)
                {
                    worker.Kill();
                }

                worker.Dispose();
            }

            await using var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        var lines = Directory.GetFiles(logs).SelectMany(File.ReadAllLines).Select(line => line.Split(' ')).Where(f => f[0] is "enter" or "leave").ToList();
        var intervals = lines.Where(f => f[0] == "enter").Select(f =>
        {
            var (run, customer, pid, start) = (f[1], f[2], int.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture));
            var leave = lines.FirstOrDefault(l => l[0] == "leave" && l[1] == run && l[3] == f[3]);
            var end = leave is not null ? long.Parse(leave[4], CultureInfo.InvariantCulture) : kills.TryGetValue(pid, out var killedAt) ? Math.Max(killedAt, start) : throw new Xunit.Sdk.XunitException($"{run} entered in {pid}, never left, and {pid} was not killed");
            return (Run: run, Customer: customer, Start: start, End: end);
        }).ToList();
        Assert.Equal(Runs, intervals.Select(i => i.Run).Distinct().Count());
        Assert.True(kills.Keys.Any(pid => intervals.Any(i => lines.Any(l => l[0] == "enter" && l[3] == pid.ToString(CultureInfo.InvariantCulture)))), "the killed worker ran nothing");

        foreach (var customer in intervals.GroupBy(i => i.Customer))
        {
            // The limit: replay the customer's executions (a leave before an enter at the same tick).
            var most = customer.SelectMany(i => new[] { (At: i.Start, Step: 1), (At: i.End, Step: -1) })
                .OrderBy(e => e.At).ThenBy(e => e.Step)
                .Aggregate((Now: 0, Most: 0), (state, e) => (state.Now + e.Step, Math.Max(state.Most, state.Now + e.Step))).Most;
            Assert.True(most <= Limit, $"customer {customer.Key} had {most} runs at once");
            Assert.True(most == Limit, $"customer {customer.Key} never used its {Limit} slots at once ({most}): the limit was not exercised");

            // The order: the queue is priority first, then enqueue order (the index in the run id).
            var queue = customer.Select(i => i.Run).Distinct()
                .OrderByDescending(run => int.Parse(run[(run.IndexOf('-') + 1)..], CultureInfo.InvariantCulture) * 7 % 3)
                .ThenBy(run => int.Parse(run[(run.IndexOf('-') + 1)..], CultureInfo.InvariantCulture))
                .ToList();
            var firstEnter = customer.GroupBy(i => i.Run).ToDictionary(g => g.Key, g => g.Min(i => i.Start));
            for (var place = 0; place < queue.Count; place++)
            {
                var entered = queue.Take(place).Count(ahead => firstEnter[ahead] < firstEnter[queue[place]]);
                Assert.True(entered >= place - (Limit - 1), $"{queue[place]} (place {place} of customer {customer.Key}) entered when only {entered} of the runs ahead of it had");
            }
        }
    }

    private async Task RunPoolAsync(string storeSpec, IWorkflowStore store, int runs, int workers, double[] killAt, Func<Task<int>> succeeded)
    {
        var logs = Path.Combine(_directory, "logs");
        var pool = new List<Process>();
        var killed = new HashSet<int>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                pool.Add(await StartWorkerAsync(storeSpec, logs));
            }

            var enqueue = Start(storeSpec, "--enqueue", runs.ToString(CultureInfo.InvariantCulture), "pool");
            var enqueued = await enqueue.StandardOutput.ReadToEndAsync().WaitAsync(s_guard);
            await enqueue.WaitForExitAsync();
            Assert.True(enqueue.ExitCode == 0, enqueue.ExitCode == 0 ? null : await enqueue.StandardError.ReadToEndAsync());
            Assert.Contains($"ENQUEUED {runs}", enqueued);

            // Kill a worker (SIGKILL, mid-run: it holds claimed runs with steps in flight) as the completed runs pass each mark,
            // and start a new one in its place. Polling the count here only decides when to kill, it proves no timing.
            var deadline = DateTime.UtcNow + s_guard;
            var done = 0;
            foreach (var (mark, preferred) in killAt.Select((mark, i) => (mark, i % workers)))
            {
                while ((done = await succeeded()) < runs * mark)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"only {done} of {runs} runs completed in time");
                    await Task.Delay(20);
                }

                // A worker that has run steps (on SQLite, where workers find runs by polling, one may not have yet).
                int victim;
                while ((victim = Enumerable.Range(0, workers).Select(i => (preferred + i) % workers).FirstOrDefault(i => HasRun(logs, pool[i].Id), -1)) < 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, "no worker ran anything in time");
                    await Task.Delay(20);
                }

                Assert.True(done < runs, "every run completed before the kill: nothing was killed mid-way");
                killed.Add(pool[victim].Id);
                pool[victim].Kill();
                await pool[victim].WaitForExitAsync();
                pool[victim].Dispose();
                pool[victim] = await StartWorkerAsync(storeSpec, logs);
            }

            while ((done = await succeeded()) < runs)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {done} of {runs} runs completed in time");
                await Task.Delay(20);
            }

            // Stop the workers as a deployment would: they drain (nothing is left running) and exit.
            foreach (var worker in pool)
            {
                worker.StandardInput.Close();
            }

            foreach (var worker in pool)
            {
                await worker.WaitForExitAsync().WaitAsync(s_guard);
                Assert.Equal(0, worker.ExitCode);
            }
        }
        finally
        {
            foreach (var worker in pool)
            {
                if (!worker.HasExited)
                {
                    worker.Kill();
                }

                worker.Dispose();
            }
        }

        // Every run succeeded, each step recorded once.
        var all = await store.ListRunsAsync(new RunQuery("pool-io", Limit: runs * 2));
        Assert.Equal(runs, all.Count);
        Assert.All(all, run => Assert.Equal(RunStatus.Succeeded, run.Status));
        var recorded = new Dictionary<(string Run, string Step), DateTimeOffset>();
        foreach (var run in all)
        {
            var steps = await store.GetStepsAsync(run.RunId);
            Assert.Equal(s_steps.Order(), steps.Select(s => s.StepId).Order());
            Assert.All(steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
            foreach (var step in steps)
            {
                recorded[(run.RunId, step.StepId)] = step.CompletedAt;
            }
        }

        // The side effects: every execution of every step, by process, from the workers' logs.
        var executions = Directory.GetFiles(logs)
            .SelectMany(File.ReadAllLines)
            .Where(line => line.StartsWith("exec ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .Select(f => (Run: f[1], Step: f[2], Pid: int.Parse(f[3], CultureInfo.InvariantCulture), At: new DateTimeOffset(long.Parse(f[4], CultureInfo.InvariantCulture), TimeSpan.Zero)))
            .ToList();
        Assert.Equal(recorded.Keys.Order(), executions.Select(e => (e.Run, e.Step)).Distinct().Order());

        foreach (var group in executions.GroupBy(e => (e.Run, e.Step)))
        {
            // A step runs again only when the process that ran it was killed first: a surviving process's execution is the only one...
            Assert.True(group.Count(e => !killed.Contains(e.Pid)) <= 1, $"{group.Key} ran more than once in processes that were not killed: {string.Join(", ", group)}");

            // ...and no execution started after the step was recorded completed (the one recorded is the last one). SQLite
            // keeps milliseconds: a record's time may be up to 1 ms before the execution's start it rounds down from.
            Assert.All(group, e => Assert.True(e.At < recorded[group.Key].AddMilliseconds(1), $"{group.Key} ran again at {e.At:O} after it was recorded at {recorded[group.Key]:O}"));
        }

        // The kills landed mid-way, and the work was shared: every process that lived to the end ran some of it.
        var repeated = executions.GroupBy(e => (e.Run, e.Step)).Count(g => g.Count() > 1);
        Assert.True(executions.Any(e => killed.Contains(e.Pid)), "the killed workers ran nothing");
        Assert.True(repeated <= killAt.Length * 16 * 2, $"{repeated} steps ran twice: more than the killed workers had in flight");
        Assert.True(executions.Select(e => e.Pid).Distinct().Count() >= workers + killAt.Length - 1, "the runs were not shared among the workers");
    }

    private static bool HasRun(string logs, int processId)
    {
        var log = Path.Combine(logs, $"worker-{processId}.log");
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd().Contains("\nexec ", StringComparison.Ordinal);
    }

    private static async Task<Process> StartWorkerAsync(string storeSpec, string logs)
    {
        var worker = Start(storeSpec, "--pool", logs);
        var ready = await worker.StandardOutput.ReadLineAsync().WaitAsync(s_guard);
        if (ready != "READY")
        {
            Assert.Fail($"the worker did not start: {ready} {await worker.StandardError.ReadToEndAsync()}");
        }

        return worker;
    }

    private static Process Start(string storeSpec, params string[] arguments)
    {
        var worker = Path.Combine(AppContext.BaseDirectory.Replace("Workflows.Durability.Tests", "Workflows.CrashWorker"), "Workflows.CrashWorker.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(worker);
        start.ArgumentList.Add(storeSpec);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["POOL_STEP_DELAY_MS"] = "2";
        start.Environment["POOL_MAX"] = "16";
        // A killed worker's runs are taken over at once by the others (its process is gone, on this machine), not after
        // the lease: the lease is longer than the test, so a live worker's run is never taken.
        start.Environment["CRASH_LEASE_MS"] = "600000";
        return Process.Start(start)!;
    }
}
