using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Workflows.Testing;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Limits across runs (<c>concurrency:</c>, <c>rate:</c>) and priorities, enforced by every store when it admits a
/// queued run: by claims of any number of claimers, and by a claim of one run by its id.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private async Task<string> QueueAsync(string id, RunLimits? limits, string key = "", int priority = 0, int createdMs = 0, string workflow = "limited")
    {
        var created = await Store.StartRunAsync(
            new NewRun(id, workflow, "hash-1", null, Now.AddMilliseconds(createdMs)) { Limits = limits, ConcurrencyKey = key, Priority = priority }, "api", Live);
        Assert.True(created.Created);
        Assert.Equal((RunStatus.Pending, "api"), (created.Run.Status, created.Run.Owner)); // queued, reserved for its starter
        Assert.True(await Store.SetStatusAsync(id, RunStatus.Pending, [RunStatus.Pending])); // released to every claimer, as StartAsync does
        Assert.Null((await Store.GetRunAsync(id))!.Owner);
        return id;
    }

    private async Task<List<string>> ClaimIdsAsync(int max = 100, string owner = "worker", DateTimeOffset? now = null, string? workflow = "limited") =>
        (await Store.ClaimRunsAsync(owner, now ?? Now, (now ?? Now).AddMinutes(10), max, workflow)).Select(r => r.RunId).ToList();

    [StoreFact]
    public async Task A_concurrency_limit_admits_per_key_by_priority_then_age_and_a_finished_run_frees_its_slot()
    {
        var limit = new RunLimits(2);
        for (var i = 0; i < 5; i++)
        {
            await QueueAsync("a" + i, limit, key: "acme", priority: i == 3 ? 7 : 0, createdMs: i);
        }

        await QueueAsync("b0", limit, key: "globex", createdMs: 10);

        // Per key: acme's a3 (priority 7) then a0 (oldest); globex's only run. The others wait, pending.
        Assert.Equal(new[] { "a3", "a0", "b0" }, await ClaimIdsAsync());
        Assert.Empty(await ClaimIdsAsync());
        var waiting = (await Store.GetRunAsync("a1"))!;
        Assert.Equal((RunStatus.Pending, true, "acme", 0), (waiting.Status, waiting.QueuedForSlot, waiting.ConcurrencyKey, waiting.Priority));
        var admitted = (await Store.GetRunAsync("a3"))!;
        Assert.Equal((RunStatus.Running, false, "acme", 7), (admitted.Status, admitted.QueuedForSlot, admitted.ConcurrencyKey, admitted.Priority));

        // a0 ends: its slot goes to the next in line (a1), not to a later run.
        Assert.True(await Store.CompleteRunAsync("a0", "worker", RunStatus.Succeeded, null, null));
        Assert.Equal(new[] { "a1" }, await ClaimIdsAsync());
        Assert.Empty(await ClaimIdsAsync());
    }

    [StoreFact]
    public async Task Many_claimers_at_once_never_admit_past_the_limit()
    {
        var limit = new RunLimits(3);
        for (var i = 0; i < 20; i++)
        {
            await QueueAsync("r" + i, limit, createdMs: i);
        }

        // Eight claimers on their own connections (as eight processes would), each asking for five.
        var stores = Enumerable.Range(0, 8).Select(_ => OpenAnother()).ToList();
        var claims = await Task.WhenAll(stores.Select((store, i) => store.ClaimRunsAsync("w" + i, Now, Now.AddMinutes(10), 5, "limited").AsTask()));
        Assert.Equal(new[] { "r0", "r1", "r2" }, claims.SelectMany(c => c).Select(r => r.RunId).OrderBy(id => id.Length).ThenBy(id => id, StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task A_rate_admits_so_many_per_period()
    {
        var rate = new RunLimits(null, rateCount: 2, ratePeriod: TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
        {
            await QueueAsync("r" + i, rate, createdMs: i);
        }

        Assert.Equal(new[] { "r0", "r1" }, await ClaimIdsAsync());
        Assert.Empty(await ClaimIdsAsync(now: Now.AddSeconds(59)));
        Assert.Equal(new[] { "r2", "r3" }, await ClaimIdsAsync(now: Now.AddSeconds(61)));
    }

    [StoreFact]
    public async Task A_run_claimed_by_its_id_is_admitted_only_in_its_turn()
    {
        var limit = new RunLimits(1);
        await QueueAsync("low", limit, priority: 0, createdMs: 0);
        await QueueAsync("high", limit, priority: 5, createdMs: 1);

        Assert.Null(await Store.TryClaimRunAsync("low", "api", Now, Live)); // "high" is first in line
        Assert.Equal("high", (await Store.TryClaimRunAsync("high", "api", Now, Live))!.RunId);
        Assert.Null(await Store.TryClaimRunAsync("low", "api", Now, Live)); // the slot is taken
    }

    [StoreFact]
    public async Task A_paused_run_keeps_its_slot_and_a_retried_one_queues_again()
    {
        var limit = new RunLimits(1);
        await QueueAsync("first", limit, createdMs: 0);
        await QueueAsync("second", limit, createdMs: 1);
        Assert.Equal(new[] { "first" }, await ClaimIdsAsync());

        // Paused, then resumed: still admitted, so it goes first and the queue behind it waits.
        Assert.True(await Store.ReleaseRunAsync("first", "worker", RunStatus.Paused));
        Assert.Empty(await ClaimIdsAsync());
        Assert.True(await Store.SetStatusAsync("first", RunStatus.Pending, [RunStatus.Paused]));
        Assert.Equal(new[] { "first" }, await ClaimIdsAsync());

        // It fails: the slot frees for "second"; retried, "first" queues for a slot again.
        Assert.True(await Store.CompleteRunAsync("first", "worker", RunStatus.Failed, null, "boom"));
        Assert.Equal(new[] { "second" }, await ClaimIdsAsync());
        Assert.True(await Store.SetStatusAsync("first", RunStatus.Pending, [RunStatus.Failed]));
        Assert.Empty(await ClaimIdsAsync());
        Assert.True(await Store.CompleteRunAsync("second", "worker", RunStatus.Succeeded, null, null));
        Assert.Equal(new[] { "first" }, await ClaimIdsAsync());
    }

    [StoreFact]
    public async Task Priorities_order_claims_of_runs_without_limits_too()
    {
        await QueueAsync("old", null, priority: 1, createdMs: 0);
        await QueueAsync("urgent", null, priority: 9, createdMs: 2);
        await QueueAsync("later", null, priority: 1, createdMs: 1);

        Assert.Equal(new[] { "urgent" }, await ClaimIdsAsync(max: 1));
        Assert.Equal(new[] { "old", "later" }, await ClaimIdsAsync());
    }

    [StoreFact]
    public async Task A_queued_run_is_reserved_for_its_starter_until_its_lease_ends()
    {
        var created = await Store.StartRunAsync(new NewRun("mine", "limited", "hash-1", null, Now) { Limits = new RunLimits(1) }, "caller", Now.AddMinutes(1));
        Assert.Equal((RunStatus.Pending, "caller"), (created.Run.Status, created.Run.Owner));

        Assert.Empty(await ClaimIdsAsync(owner: "worker"));
        Assert.Null(await Store.TryClaimRunAsync("mine", "worker", Now, Live));
        Assert.Equal("caller", (await Store.TryClaimRunAsync("mine", "caller", Now, Live))!.Owner);

        // A starter that died leaves its reservation to lapse: then any claimer admits the run.
        await Store.StartRunAsync(new NewRun("orphan", "limited", "hash-1", null, Now) { Limits = new RunLimits(5) }, "gone", Now.AddMinutes(1));
        Assert.Empty(await ClaimIdsAsync(owner: "worker"));
        Assert.Equal(new[] { "orphan" }, await ClaimIdsAsync(owner: "worker", now: Now.AddMinutes(2)));
    }

    [StoreFact]
    public async Task A_limited_workflow_runs_one_run_per_key_and_the_next_in_line_by_priority_starts_when_the_slot_frees()
    {
        var clock = new ManualTimeProvider(Now);
        var actions = new SteeringActions();
        var app = new LimitedWorkflow(actions, new WorkflowOptions { Store = Store, Owner = "app", TimeProvider = clock, ControlInterval = TimeSpan.FromSeconds(1) });

        var first = app.RunDurableAsync(new LimitedWorkflow.Inputs { Customer = "acme", Tag = "a1" }, "a1").AsTask();
        await actions.Entered("a1").WaitAsync(s_guard);
        var timers = clock.Pending().Count;

        // acme's slot is taken: a2 waits for its turn, pending and reserved for its caller; globex runs at once.
        var second = app.RunDurableAsync(new LimitedWorkflow.Inputs { Customer = "acme", Tag = "a2" }, "a2").AsTask();
        await clock.WaitForPendingAsync(timers + 1);
        Assert.Equal((RunStatus.Pending, "app"), ((await Store.GetRunAsync("a2"))!.Status, (await Store.GetRunAsync("a2"))!.Owner));
        actions.Release("g1");
        Assert.Equal("done g1", (await app.RunDurableAsync(new LimitedWorkflow.Inputs { Customer = "globex", Tag = "g1" }, "g1").AsTask().WaitAsync(s_guard)).Done);
        Assert.False(actions.Calls.ContainsKey("a2"));

        // An urgent run of acme is enqueued behind a1; a1 ends: the urgent one is next in line, not a2.
        Assert.Equal("a3", await new LimitedWorkflow(actions, new WorkflowOptions { Store = Store, Owner = "api" }).StartAsync(new LimitedWorkflow.Inputs { Customer = "acme", Tag = "a3", Priority = 5 }, "a3"));
        actions.Release("a1");
        Assert.Equal("done a1", (await first.WaitAsync(s_guard)).Done);
        await clock.WaitForPendingAsync(1);
        clock.Advance(TimeSpan.FromSeconds(1)); // a2's caller tries again
        await clock.WaitForPendingAsync(1);     // ... and waits again: a3 goes first
        Assert.Equal(RunStatus.Pending, (await Store.GetRunAsync("a2"))!.Status);

        // A worker runs a3 (a2 is reserved for its caller); then a2's caller gets the slot.
        var worker = new LimitedWorkflow(actions, new WorkflowOptions { Store = Store, Owner = "worker", TimeProvider = clock, ControlInterval = TimeSpan.FromSeconds(1) });
        var recovering = worker.RecoverAsync().AsTask();
        await actions.Entered("a3").WaitAsync(s_guard);
        Assert.False(actions.Calls.ContainsKey("a2"));
        actions.Release("a3");
        Assert.Equal(1, await recovering.WaitAsync(s_guard));

        actions.Release("a2");
        await clock.WaitForPendingAsync(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("done a2", (await second.WaitAsync(s_guard)).Done);
        Assert.Equal(1, actions.Calls["a2"]);
    }
}
