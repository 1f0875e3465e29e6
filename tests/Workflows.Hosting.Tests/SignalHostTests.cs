using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Hosting.Tests;

/// <summary>
/// The host's claim loop: a run waiting for a signal holds no host; once the signal is sent, the next claim of
/// one of two hosts on the same store continues it, exactly once.
/// </summary>
public sealed class SignalHostTests : IDisposable
{
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-signal-host-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private ServiceProvider Build(NightlyActions actions, ManualTimeProvider clock, string owner)
    {
        var services = new ServiceCollection();
        services.AddSingleton(actions);
        // Each host its own store object on the one file, as two processes would have. The store checks leases against
        // the real time; the manual clock stands still, so the lease is long.
        var store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));
        services.AddSingleton(new WorkflowOptions { TimeProvider = clock, Store = store, Owner = owner, LeaseDuration = TimeSpan.FromDays(3650) });
        services.AddSingleton<GateWorkflow>();
        services.AddWorkflows([GateWorkflow.Registration], options => options.ClaimInterval = TimeSpan.FromSeconds(1));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Two_hosts_claim_a_signalled_run_once_and_it_completes_with_the_payload()
    {
        var clock = new ManualTimeProvider();
        var afterStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actions = new NightlyActions
        {
            Before = async (name, _) =>
            {
                if (name == "opened by ops")
                {
                    afterStarted.TrySetResult();
                    await releaseAfter.Task;
                }
            },
        };
        await using var a = Build(actions, clock, "host-a");
        await using var b = Build(actions, clock, "host-b");
        var waiting = await Assert.ThrowsAsync<WorkflowRunWaitingException>(() => a.GetRequiredService<GateWorkflow>().RunDurableAsync("gate-1").AsTask());
        Assert.StartsWith("signal open since ", waiting.WaitingFor, StringComparison.Ordinal);

        var hostA = a.GetRequiredService<WorkflowHostService>();
        var hostB = b.GetRequiredService<WorkflowHostService>();
        await hostA.StartAsync(CancellationToken.None);
        await hostB.StartAsync(CancellationToken.None);
        await clock.WaitForPendingAsync(2).WaitAsync(s_guard); // both claim loops wait for their next tick
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RunStatus.Waiting, (await a.GetRequiredService<WorkflowOptions>().Store!.GetRunAsync("gate-1"))!.Status); // nothing to claim yet

        var store = a.GetRequiredService<WorkflowOptions>().Store!;
        Assert.True(await GateWorkflow.SendOpenAsync(new WorkflowRuns(store, clock), "gate-1", "opened by ops"));
        await clock.WaitForPendingAsync(2).WaitAsync(s_guard);
        clock.Advance(TimeSpan.FromSeconds(1));
        await afterStarted.Task.WaitAsync(s_guard);

        // While one host runs it, the other's ticks find nothing to claim.
        await clock.WaitForPendingAsync(1).WaitAsync(s_guard);
        clock.Advance(TimeSpan.FromSeconds(1));
        await clock.WaitForPendingAsync(1).WaitAsync(s_guard);
        releaseAfter.SetResult();
        using var timeout = new CancellationTokenSource(s_guard);
        await hostA.StopAsync(timeout.Token);
        await hostB.StopAsync(timeout.Token);

        var run = await store.GetRunAsync("gate-1");
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(1, actions.Calls["before"]);
        Assert.Equal(1, actions.Calls["opened by ops"]);
    }
}
