using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Scheduling;
using Workflows.Sqlite;
using Xunit;
using static Workflows.Hosting.Tests.Registrations;

namespace Workflows.Hosting.Tests;

public sealed class WorkflowHostServiceTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    private static string Id(int hour, int minute) => $"schedule:wf:2026-11-22T{hour:00}:{minute:00}Z";

    private static Func<object, string, CancellationToken, Task> Recording(Calls calls) => (_, runId, _) =>
    {
        calls.Add(runId);
        return Task.CompletedTask;
    };

    [Fact]
    public async Task Schedule_fires_at_its_occurrences_in_its_time_zone()
    {
        var clock = new ManualTimeProvider();
        var calls = new Calls();
        await using var host = await TestHost.StartAsync([Create("wf", [Schedule("0 9 * * *", "Europe/Paris")], Recording(calls))], clock);

        await clock.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromHours(8), clock.Pending().Single()); // 09:00 in Paris is 08:00 UTC in November

        clock.Advance(TimeSpan.FromHours(8) - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Pending().Single());
        Assert.False(calls.TryNext(out _));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Id(8, 0), await calls.NextAsync());

        await clock.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromDays(1), clock.Pending().Single());
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal("schedule:wf:2026-11-23T08:00Z", await calls.NextAsync());
    }

    [Fact]
    public async Task Overlap_forbidden_skips_an_occurrence_while_the_previous_run_goes()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromMinutes(2)); // not within a minute after an occurrence, which would fire at start as on time
        var calls = new Calls();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = true;
        await using var host = await TestHost.StartAsync(
            [Create("wf", [Schedule("*/5 * * * *", allowOverlap: false)], async (_, runId, ct) =>
            {
                calls.Add(runId);
                if (first)
                {
                    first = false;
                    await gate.Task.WaitAsync(ct);
                }
            })],
            clock);

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(Id(0, 5), await calls.NextAsync());

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(5)); // 00:10 while 00:05 still runs
        await clock.WaitForPendingAsync();      // the occurrence was handled
        Assert.Equal(1, host.Service.RunningCount);

        Assert.False(calls.TryNext(out _));

        gate.SetResult();
        Assert.True(SpinWait.SpinUntil(() => host.Service.RunningCount == 0, TimeSpan.FromSeconds(30)));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Id(0, 15), await calls.NextAsync()); // 00:10 would have come first
    }

    [Fact]
    public async Task Overlap_allowed_starts_an_occurrence_while_the_previous_run_goes()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromMinutes(2)); // not within a minute after an occurrence, which would fire at start as on time
        var calls = new Calls();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? firstRun = null;
        await using var host = await TestHost.StartAsync(
            [Create("wf", [Schedule("*/5 * * * *", allowOverlap: true)], (_, runId, ct) =>
            {
                calls.Add(runId);
                var run = gate.Task.WaitAsync(ct);
                firstRun ??= run;
                return run;
            })],
            clock);

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(Id(0, 5), await calls.NextAsync());

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Id(0, 10), await calls.NextAsync());
        Assert.False(firstRun!.IsCompleted);
        Assert.Equal(2, host.Service.RunningCount);
        gate.SetResult();
    }

    [Fact]
    public async Task Catch_up_none_fires_nothing_missed_at_start()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(new TimeSpan(2, 30, 0)); // down since before 02:00
        var calls = new Calls();
        await using var host = await TestHost.StartAsync([Create("wf", [Schedule("0 * * * *", catchUp: CatchUpPolicy.None)], Recording(calls))], clock);

        await clock.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromMinutes(30), clock.Pending().Single());
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Id(3, 0), await calls.NextAsync()); // 02:00 would have come first
    }

    [Fact]
    public async Task Catch_up_latest_fires_the_most_recent_missed_occurrence_once_at_start()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(new TimeSpan(2, 30, 0));
        var calls = new Calls();
        await using var host = await TestHost.StartAsync([Create("wf", [Schedule("0 * * * *", catchUp: CatchUpPolicy.Latest)], Recording(calls))], clock);

        Assert.Equal(Id(2, 0), await calls.NextAsync());
        await clock.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromMinutes(30), clock.Pending().Single());
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Id(3, 0), await calls.NextAsync()); // 01:00 and 00:00 are dropped
    }

    [Fact]
    public async Task Catch_up_latest_ignores_occurrences_before_the_window()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(new TimeSpan(2, 30, 0));
        var calls = new Calls();
        await using var host = await TestHost.StartAsync(
            [Create("wf", [Schedule("0 * * * *", catchUp: CatchUpPolicy.Latest)], Recording(calls))], clock, configure: o => o.CatchUpWindow = TimeSpan.FromMinutes(10));

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Id(3, 0), await calls.NextAsync());
    }

    [Fact]
    public async Task Catch_up_latest_skips_an_occurrence_whose_run_is_in_the_store()
    {
        using var directory = new TempDirectory();
        var clock = new ManualTimeProvider();
        var store = new SqliteWorkflowStore(Path.Combine(directory.Path, "runs.db"), clock);
        clock.Advance(new TimeSpan(2, 30, 0));
        // An earlier process fired 02:00 before it went down.
        await store.StartRunAsync(new NewRun(Id(2, 0), "wf", "hash", null, Midnight.AddHours(2)), "earlier", Midnight.AddHours(2).AddMinutes(1));
        var calls = new Calls();
        await using var host = await TestHost.StartAsync(
            [Create("wf", [Schedule("0 * * * *", catchUp: CatchUpPolicy.Latest)], Recording(calls), durable: true)], clock, store);

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(Id(3, 0), await calls.NextAsync());
    }

    [Fact]
    public async Task Retention_purges_finished_runs_at_start_and_every_interval_and_keeps_unfinished_ones()
    {
        using var directory = new TempDirectory();
        var clock = new ManualTimeProvider();
        var store = new SqliteWorkflowStore(Path.Combine(directory.Path, "runs.db"), clock);
        async Task FinishAsync(string id)
        {
            await store.StartRunAsync(new NewRun(id, "wf", "hash", null, clock.GetUtcNow()), "earlier", clock.GetUtcNow().AddHours(1));
            Assert.True(await store.CompleteRunAsync(id, "earlier", RunStatus.Succeeded, null, null));
        }

        await FinishAsync("two-days-old");
        clock.Advance(TimeSpan.FromDays(1));
        await FinishAsync("one-day-old");
        await store.StartRunAsync(new NewRun("unfinished", "wf", "hash", null, clock.GetUtcNow()), "earlier", clock.GetUtcNow().AddHours(1));
        clock.Advance(TimeSpan.FromDays(1));

        await using var host = await TestHost.StartAsync([Create("wf", [], null, durable: true)], clock, store, options =>
        {
            options.Retention = TimeSpan.FromHours(36);
            options.RetentionInterval = TimeSpan.FromHours(1);
        });

        // At start: the run finished two days ago goes, the one finished a day ago stays.
        await clock.WaitForPendingAsync();
        Assert.Null(await store.GetRunAsync("two-days-old"));
        Assert.NotNull(await store.GetRunAsync("one-day-old"));
        Assert.Equal(TimeSpan.FromHours(1), clock.Pending()[0]);

        // Thirteen hours on, the next purge after the run passed 36 hours takes it; the unfinished run stays.
        for (var hour = 0; hour < 13; hour++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            await clock.WaitForPendingAsync();
        }

        Assert.Null(await store.GetRunAsync("one-day-old"));
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync("unfinished"))!.Status);
    }

    [Fact]
    public async Task RecoverAsync_runs_at_start_for_durable_workflows_with_the_created_instance()
    {
        var clock = new ManualTimeProvider();
        var instance = new object();
        var recovered = new ConcurrentQueue<object>();
        var creations = 0;
        await using var host = await TestHost.StartAsync(
            [
                Create("durable", [], null, recover: (i, _) => { recovered.Enqueue(i); return Task.FromResult(2); }, durable: true,
                    create: _ => { Interlocked.Increment(ref creations); return instance; }),
                Create("plain", [], null),
            ],
            clock);

        await host.Service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30)); // nothing scheduled: it ends after recovery
        Assert.Same(instance, Assert.Single(recovered));
        Assert.Equal(1, creations);
    }

    [Fact]
    public async Task A_failing_RecoverAsync_does_not_stop_the_host()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromMinutes(2)); // not within a minute after an occurrence, which would fire at start as on time
        var calls = new Calls();
        var recovered = 0;
        await using var host = await TestHost.StartAsync(
            [
                Create("wf", [Schedule("*/5 * * * *")], Recording(calls), recover: (_, _) => throw new InvalidOperationException("store down"), durable: true),
                Create("other", [], null, recover: (_, _) => { Interlocked.Increment(ref recovered); return Task.FromResult(0); }, durable: true),
            ],
            clock);

        await clock.WaitForPendingAsync();
        Assert.Equal(1, recovered);
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(Id(0, 5), await calls.NextAsync());
        Assert.False(host.Service.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task Two_hosts_sharing_a_store_create_each_occurrence_once()
    {
        using var directory = new TempDirectory();
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromMinutes(2));
        var store = new SqliteWorkflowStore(Path.Combine(directory.Path, "runs.db"), clock);
        var calls = new Calls();
        var created = new ConcurrentDictionary<string, int>();

        WorkflowRegistration Registration(string owner) => Create("wf", [Schedule("*/5 * * * *", allowOverlap: true)], async (_, runId, ct) =>
        {
            var now = clock.GetUtcNow();
            var result = await store.StartRunAsync(new NewRun(runId, "wf", "hash", null, now), owner, now.AddSeconds(30), ct);
            if (result.Created)
            {
                created.AddOrUpdate(runId, 1, (_, n) => n + 1);
            }

            calls.Add(runId);
        }, durable: true);

        await using var a = await TestHost.StartAsync([Registration("a")], clock, store);
        await using var b = await TestHost.StartAsync([Registration("b")], clock, store);

        for (var minute = 5; minute <= 15; minute += 5)
        {
            await clock.WaitForPendingAsync(2);
            clock.Advance(minute == 5 ? TimeSpan.FromMinutes(3) : TimeSpan.FromMinutes(5));
            Assert.Equal(Id(0, minute), await calls.NextAsync());
            Assert.Equal(Id(0, minute), await calls.NextAsync());
        }

        Assert.Equal([Id(0, 5), Id(0, 10), Id(0, 15)], created.Keys.Order());
        Assert.All(created.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Stopping_lets_running_runs_go_on_until_the_shutdown_timeout_then_cancels_them_and_waits()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(TimeSpan.FromMinutes(2));
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cleanup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await TestHost.StartAsync(
            [Create("wf", [Schedule("*/5 * * * *")], async (_, _, ct) =>
            {
                started.SetResult(ct);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
                catch (OperationCanceledException)
                {
                    cancelled.SetResult();
                    await cleanup.Task;
                    throw;
                }
            })],
            clock);

        await clock.WaitForPendingAsync();
        clock.Advance(TimeSpan.FromMinutes(3));
        var runToken = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var shutdownTimeout = new CancellationTokenSource();
        var stopping = host.Service.StopAsync(shutdownTimeout.Token);
        Assert.False(runToken.IsCancellationRequested); // still within the shutdown timeout
        Assert.False(stopping.IsCompleted);

        shutdownTimeout.Cancel();
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, host.Service.RunningCount);

        cleanup.SetResult();
        await host.Service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, host.Service.RunningCount);
        Assert.True(host.Service.ExecuteTask!.IsCompletedSuccessfully);
        await host.DisposeAsync();
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("workflows-hosting-").FullName;

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path, recursive: true);
        }
    }
}
