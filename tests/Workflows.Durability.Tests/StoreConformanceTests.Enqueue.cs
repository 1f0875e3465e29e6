using System;
using System.Threading.Tasks;
using Workflows.Testing;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>Enqueued runs (<c>StartAsync</c>) run by a worker sharing the store, and waited for (<c>WaitAsync</c>), on every store.</summary>
public abstract partial class StoreConformanceTests
{
    [StoreFact]
    public async Task An_enqueued_run_is_pending_until_a_worker_runs_it_and_waiting_gives_its_outputs_or_its_failure()
    {
        var clock = new ManualTimeProvider(Now);
        var actions = new SteeringActions();
        foreach (var step in new[] { "one", "two", "three" })
        {
            actions.Free[step] = true;
        }

        var client = new SteeredWorkflow(actions, new WorkflowOptions { Store = Store, Owner = "api", TimeProvider = clock, ControlInterval = TimeSpan.FromSeconds(1) });

        Assert.Equal("q1", await client.StartAsync(new SteeredWorkflow.Inputs(), "q1"));
        Assert.Equal("q2", await client.StartAsync(new SteeredWorkflow.Inputs { FailAt = "two" }, "q2"));
        var queued = (await Store.GetRunAsync("q1"))!;
        Assert.Equal((RunStatus.Pending, (string?)null), (queued.Status, queued.Owner));
        Assert.Empty(actions.Calls);
        Assert.Equal("q1", await client.StartAsync(new SteeredWorkflow.Inputs { FailAt = "one" }, "q1")); // an idempotency key: nothing changes
        Assert.Equal(RunStatus.Pending, (await Store.GetRunAsync("q1"))!.Status);

        var waiting = client.WaitAsync("q1").AsTask();
        await clock.WaitForPendingAsync();
        Assert.False(waiting.IsCompleted);

        // A worker sharing the store (another process, say) runs both.
        Assert.Equal(1, await new SteeredWorkflow(actions, new WorkflowOptions { Store = Store, Owner = "worker" }).RecoverAsync());
        clock.Advance(TimeSpan.FromSeconds(1)); // the waiter reads the record at its next interval

        Assert.Equal("done three", (await waiting.WaitAsync(s_guard)).Last);
        Assert.Equal((2, 1), (actions.Calls["one"], actions.Calls["three"])); // each run once: q2 failed at two
        var failed = await Assert.ThrowsAsync<WorkflowRunFinishedException>(() => client.WaitAsync("q2").AsTask().WaitAsync(s_guard));
        Assert.Equal(RunStatus.Failed, failed.Run.Status);
        await Assert.ThrowsAsync<WorkflowRunNotFoundException>(() => client.WaitAsync("nope").AsTask());
    }
}
