using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Hosting.Tests;

/// <summary>
/// The host as a worker: it runs at most <see cref="WorkflowHostOptions.MaxConcurrentRuns"/> claimed runs at once
/// (across its workflows), concurrently, refills a freed slot at once, and starts a run enqueued in its process without
/// waiting for its next poll. Steps are held at gates; the clock never moves.
/// </summary>
public sealed class WorkerPoolTests : IDisposable
{
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-pool-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private ServiceProvider Build(NightlyActions actions, ManualTimeProvider clock, int maxConcurrentRuns)
    {
        var services = new ServiceCollection();
        services.AddSingleton(actions);
        // The store checks leases against the real time; the manual clock stands still, so the lease is long.
        var store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
        services.AddSingleton(new WorkflowOptions { TimeProvider = clock, Store = store, Owner = "pool-host", LeaseDuration = TimeSpan.FromDays(3650) });
        services.AddSingleton<SlotAWorkflow>();
        services.AddSingleton<SlotBWorkflow>();
        services.AddWorkflows([SlotAWorkflow.Registration, SlotBWorkflow.Registration], options =>
        {
            options.ClaimInterval = TimeSpan.FromSeconds(1);
            options.MaxConcurrentRuns = maxConcurrentRuns;
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Steps that announce themselves and wait for their own gate; counts how many are inside at once.</summary>
    private sealed class Gates
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _release = new();
        private int _inside;
        private int _most;

        public Channel<string> Entered { get; } = Channel.CreateUnbounded<string>();

        public int Most => Volatile.Read(ref _most);

        public NightlyActions Actions()
            => new()
            {
                Before = async (name, _) =>
                {
                    var inside = Interlocked.Increment(ref _inside);
                    InterlockedMax(ref _most, inside);
                    Entered.Writer.TryWrite(name);
                    await Gate(name).Task;
                    Interlocked.Decrement(ref _inside);
                },
            };

        public void Release(string name) => Gate(name).TrySetResult();

        public async Task<string> NextEnteredAsync() => await Entered.Reader.ReadAsync().AsTask().WaitAsync(s_guard);

        private TaskCompletionSource Gate(string name) => _release.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    private static async Task<(int Running, int Pending)> CountAsync(IWorkflowStore store)
    {
        var runs = await store.ListRunsAsync(new RunQuery());
        return (runs.Count(r => r.Status == RunStatus.Running), runs.Count(r => r.Status == RunStatus.Pending));
    }

    [Fact]
    public async Task A_host_runs_at_most_MaxConcurrentRuns_across_its_workflows_concurrently_and_refills_a_freed_slot_at_once()
    {
        var clock = new ManualTimeProvider();
        var gates = new Gates();
        var actions = gates.Actions();
        await using var provider = Build(actions, clock, maxConcurrentRuns: 2);
        var store = provider.GetRequiredService<WorkflowOptions>().Store!;
        foreach (var name in new[] { "a1", "a2", "a3" })
        {
            await provider.GetRequiredService<SlotAWorkflow>().StartAsync(new SlotAWorkflow.Inputs { Name = name }, name);
        }

        foreach (var name in new[] { "b1", "b2", "b3" })
        {
            await provider.GetRequiredService<SlotBWorkflow>().StartAsync(new SlotBWorkflow.Inputs { Name = name }, name);
        }

        var host = provider.GetRequiredService<WorkflowHostService>();
        await host.StartAsync(CancellationToken.None);

        // At start it claims two runs (one of each workflow, round robin) and runs both at once: two steps are inside.
        var first = await gates.NextEnteredAsync();
        var second = await gates.NextEnteredAsync();
        Assert.Equal(new[] { "a", "b" }, new[] { first[..1], second[..1] }.Order());
        Assert.Equal((2, 4), await CountAsync(store)); // claimed two, not more
        Assert.Equal(2, host.ClaimedRunCount);

        // One ends: its slot is refilled at once (no clock tick), while the other still runs.
        gates.Release(first);
        var third = await gates.NextEnteredAsync();
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync(first))!.Status);
        Assert.Equal(RunStatus.Running, (await store.GetRunAsync(second))!.Status);
        Assert.Equal((2, 3), await CountAsync(store));

        // The rest, as slots free.
        var entered = new[] { first, second, third }.ToList();
        gates.Release(second);
        while (entered.Count < 6)
        {
            var next = await gates.NextEnteredAsync();
            entered.Add(next);
            gates.Release(entered[^2]);
        }

        gates.Release(entered[^1]);
        using var timeout = new CancellationTokenSource(s_guard);
        await host.StopAsync(timeout.Token);

        Assert.Equal(2, gates.Most);
        Assert.Equal(new[] { "a1", "a2", "a3", "b1", "b2", "b3" }, entered.Order(StringComparer.Ordinal));
        Assert.All(actions.Calls.Values, calls => Assert.Equal(1, calls));
        foreach (var name in entered)
        {
            Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync(name))!.Status);
        }
    }

    [Fact]
    public async Task A_run_enqueued_in_the_hosts_process_starts_at_once_not_at_the_next_poll()
    {
        var clock = new ManualTimeProvider();
        var gates = new Gates();
        await using var provider = Build(gates.Actions(), clock, maxConcurrentRuns: 4);
        var host = provider.GetRequiredService<WorkflowHostService>();
        await host.StartAsync(CancellationToken.None);
        await clock.WaitForPendingAsync(); // idle: waiting for its next poll, which never comes (the clock stands still)

        await provider.GetRequiredService<SlotAWorkflow>().StartAsync(new SlotAWorkflow.Inputs { Name = "now" }, "now");
        Assert.Equal("now", await gates.NextEnteredAsync());
        gates.Release("now");
        using var timeout = new CancellationTokenSource(s_guard);
        await host.StopAsync(timeout.Token);
        Assert.Equal(RunStatus.Succeeded, (await provider.GetRequiredService<WorkflowOptions>().Store!.GetRunAsync("now"))!.Status);
    }

    [Fact]
    public async Task A_stopping_host_claims_nothing_more_and_its_running_runs_finish()
    {
        var clock = new ManualTimeProvider();
        var gates = new Gates();
        await using var provider = Build(gates.Actions(), clock, maxConcurrentRuns: 2);
        var store = provider.GetRequiredService<WorkflowOptions>().Store!;
        foreach (var name in new[] { "a1", "a2", "a3", "a4" })
        {
            await provider.GetRequiredService<SlotAWorkflow>().StartAsync(new SlotAWorkflow.Inputs { Name = name }, name);
        }

        var host = provider.GetRequiredService<WorkflowHostService>();
        await host.StartAsync(CancellationToken.None);
        var first = await gates.NextEnteredAsync();
        var second = await gates.NextEnteredAsync();

        var stopping = host.StopAsync(CancellationToken.None); // no shutdown timeout: the running steps may finish
        Assert.False(stopping.IsCompleted);
        gates.Release(first);
        gates.Release(second);
        await stopping.WaitAsync(s_guard);

        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync(first))!.Status);
        Assert.Equal(RunStatus.Succeeded, (await store.GetRunAsync(second))!.Status);
        Assert.False(gates.Entered.Reader.TryRead(out var late), $"{late} started while the host stopped");
        Assert.Equal((0, 2), await CountAsync(store)); // the other two stay pending for another host
    }
}
