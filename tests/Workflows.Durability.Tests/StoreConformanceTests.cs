using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// What every <see cref="IWorkflowStore"/> must do. Each store's test class creates a fresh, empty store per test.
/// Times are whole milliseconds (SQLite keeps milliseconds) and near the real clock (PostgreSQL checks leases
/// against the database's <c>now()</c>).
/// </summary>
public abstract partial class StoreConformanceTests : IAsyncLifetime
{
    protected StoreConformanceTests()
    {
        Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>The store under test (fresh per test).</summary>
    protected IWorkflowStore Store { get; private set; } = null!;

    /// <summary>The time the test started, in whole milliseconds.</summary>
    protected DateTimeOffset Now { get; }

    private DateTimeOffset Live => Now.AddMinutes(10);

    private DateTimeOffset Expired => Now.AddMinutes(-1);

    /// <summary>Creates the (empty) store for the test.</summary>
    protected abstract Task<IWorkflowStore> CreateStoreAsync();

    /// <summary>Another store instance on the same database, as another process would open it.</summary>
    protected abstract IWorkflowStore OpenAnother();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public abstract Task DisposeAsync();

    private NewRun NewRun(string id, string workflow = "orders", DateTimeOffset? createdAt = null, string? inputs = "{\"n\":1}") =>
        new(id, workflow, "hash-1", inputs, createdAt ?? Now);

    private StepRecord Step(string runId, string stepId, int item = -1, StepStatus status = StepStatus.Succeeded, string? output = "{\"ok\":true}", string? error = null) =>
        new(runId, stepId, item, "action:v1", 1, status, output, error, Now.AddSeconds(-2), Now.AddSeconds(-1));

    private async Task<string> PendingRunAsync(string id, string workflow = "orders", DateTimeOffset? createdAt = null)
    {
        await Store.StartRunAsync(NewRun(id, workflow, createdAt), "starter", Live);
        Assert.True(await Store.SetStatusAsync(id, RunStatus.Pending, [RunStatus.Running]));
        return id;
    }

    [StoreFact]
    public async Task StartRun_creates_a_running_owned_run()
    {
        var result = await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);

        Assert.True(result.Created);
        var run = result.Run;
        Assert.Equal("r1", run.RunId);
        Assert.Equal("orders", run.WorkflowName);
        Assert.Equal("hash-1", run.DefinitionHash);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal("{\"n\":1}", run.InputsJson);
        Assert.Null(run.OutputsJson);
        Assert.Null(run.Error);
        Assert.Equal(Now, run.CreatedAt);
        Assert.Null(run.CompletedAt);
        Assert.Equal("owner-a", run.Owner);
        Assert.Equal(Live, run.LeaseUntil);
        Assert.Equal(run, await Store.GetRunAsync("r1"));
        Assert.Null(await Store.GetRunAsync("missing"));
    }

    [StoreFact]
    public async Task TryClaimRun_takes_one_run_by_id_only_when_it_needs_an_owner()
    {
        await Store.StartRunAsync(NewRun("live"), "owner-a", Live);
        await Store.StartRunAsync(NewRun("dead"), "owner-b", Expired);
        await PendingRunAsync("pending");

        Assert.Null(await Store.TryClaimRunAsync("live", "owner-c", Now, Live));
        Assert.Null(await Store.TryClaimRunAsync("missing", "owner-c", Now, Live));
        var dead = await Store.TryClaimRunAsync("dead", "owner-c", Now, Live);
        var pending = await Store.TryClaimRunAsync("pending", "owner-c", Now, Live);

        Assert.Equal(("owner-c", RunStatus.Running, (DateTimeOffset?)Live), (dead!.Owner, dead.Status, dead.LeaseUntil));
        Assert.Equal(("owner-c", RunStatus.Running), (pending!.Owner, pending.Status));
        Assert.Equal("owner-a", (await Store.GetRunAsync("live"))!.Owner);
    }

    [StoreFact]
    public async Task TryClaimRun_races_have_one_winner()
    {
        await Store.StartRunAsync(NewRun("contested"), "dead-owner", Expired);
        using var start = new Barrier(6);
        var stores = Enumerable.Range(0, 6).Select(_ => OpenAnother()).ToArray();

        var claims = await Task.WhenAll(stores.Select((store, i) => Task.Run(async () =>
        {
            start.SignalAndWait();
            return await store.TryClaimRunAsync("contested", "claimer-" + i, Now, Live);
        })));

        var winner = Assert.Single(claims, c => c is not null);
        Assert.Equal(winner!.Owner, (await Store.GetRunAsync("contested"))!.Owner);
        foreach (var store in stores.OfType<IAsyncDisposable>())
        {
            await store.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task StartRun_is_idempotent_by_run_id()
    {
        var first = await Store.StartRunAsync(NewRun("r1", inputs: "{\"n\":1}"), "owner-a", Live);
        var second = await Store.StartRunAsync(NewRun("r1", inputs: "{\"n\":2}", createdAt: Now.AddSeconds(5)), "owner-b", Live.AddMinutes(5));

        Assert.False(second.Created);
        Assert.Equal(first.Run, second.Run);
        Assert.Equal("owner-a", second.Run.Owner);
        Assert.Equal("{\"n\":1}", second.Run.InputsJson);
    }

    [StoreFact]
    public async Task StartRun_of_a_finished_run_returns_its_result()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        Assert.True(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Succeeded, "{\"total\":3}", null));

        var again = await Store.StartRunAsync(NewRun("r1"), "owner-b", Live);

        Assert.False(again.Created);
        Assert.Equal(RunStatus.Succeeded, again.Run.Status);
        Assert.Equal("{\"total\":3}", again.Run.OutputsJson);
        Assert.Null(again.Run.Owner);
    }

    [StoreFact]
    public async Task StartRun_concurrently_with_one_id_creates_it_once()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAnother()).ToArray();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = stores.Select((store, i) => Task.Run(async () =>
        {
            await gate.Task;
            return await store.StartRunAsync(NewRun("same"), "owner-" + i, Live);
        })).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(results.Single(x => x.Created).Run.Owner, r.Run.Owner));
    }

    [StoreFact]
    public async Task RecordSteps_records_each_step_once_and_keeps_the_original()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);

        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a")]));
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "b", 1), Step("r1", "b", 0), Step("r1", "c", output: null)]));

        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a", output: "{\"changed\":1}")]));
        // A batch with one step already recorded changes nothing: the new step in it is not recorded either.
        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "d"), Step("r1", "b", 0, output: "{\"x\":2}")]));
        // The same step twice in one batch.
        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "e"), Step("r1", "e")]));

        var steps = await Store.GetStepsAsync("r1");
        Assert.Equal(["a", "b", "b", "c"], steps.Select(s => s.StepId));
        Assert.Equal([-1, 1, 0, -1], steps.Select(s => s.ItemIndex));
        Assert.Equal(Step("r1", "a"), steps[0]);
        Assert.Equal("{\"ok\":true}", steps[2].OutputJson);
        Assert.Null(steps[3].OutputJson);
        Assert.Empty(await Store.GetStepsAsync("other"));
    }

    [StoreFact]
    public async Task RecordSteps_keeps_every_field()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        var failed = new StepRecord("r1", "charge", 3, "http.post:Receipt", 4, StepStatus.Failed, null, "timed out", Now.AddSeconds(-30), Now.AddSeconds(-3));
        var skipped = new StepRecord("r1", "notify", -1, "email:void", 0, StepStatus.Skipped, null, null, Now, Now);

        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [failed, skipped]));

        Assert.Equal([failed, skipped], await Store.GetStepsAsync("r1"));
    }

    [StoreFact]
    public async Task Lost_lease_refuses_step_records_and_completion()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Now.AddSeconds(-1));
        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a")]));
        Assert.False(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Succeeded, null, null));

        // Another process takes the run over.
        var claimed = await OpenAnother().ClaimRunsAsync("owner-b", Now, Live, 10);
        Assert.Equal("r1", Assert.Single(claimed).RunId);
        Assert.Equal("owner-b", claimed[0].Owner);

        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a")]));
        Assert.False(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Succeeded, null, null));
        Assert.False(await Store.RenewLeaseAsync("r1", "owner-a", Live.AddMinutes(1)));
        Assert.True(await Store.RecordStepsAsync("r1", "owner-b", [Step("r1", "a")]));
        Assert.True(await Store.CompleteRunAsync("r1", "owner-b", RunStatus.Succeeded, "{}", null));
        Assert.Single(await Store.GetStepsAsync("r1"));
    }

    [StoreFact]
    public async Task RenewLease_extends_the_lease_of_the_owner_only()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Now.AddSeconds(30));

        Assert.True(await Store.RenewLeaseAsync("r1", "owner-a", Live));
        Assert.False(await Store.RenewLeaseAsync("r1", "owner-b", Live.AddMinutes(1)));
        Assert.False(await Store.RenewLeaseAsync("missing", "owner-a", Live));

        var run = await Store.GetRunAsync("r1");
        Assert.Equal(Live, run!.LeaseUntil);
        Assert.Equal("owner-a", run.Owner);
        // The renewed lease is not claimable before it ends.
        Assert.Empty(await Store.ClaimRunsAsync("owner-b", Now.AddMinutes(1), Live, 10));
    }

    [StoreFact]
    public async Task CompleteRun_records_the_outcome_once()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);

        Assert.False(await Store.CompleteRunAsync("r1", "owner-b", RunStatus.Succeeded, "{}", null));
        Assert.True(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Failed, null, "step b failed"));
        Assert.False(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Succeeded, "{}", null));
        Assert.False(await Store.CompleteRunAsync("missing", "owner-a", RunStatus.Succeeded, "{}", null));

        var run = await Store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Failed, run!.Status);
        Assert.Equal("step b failed", run.Error);
        Assert.Null(run.OutputsJson);
        Assert.NotNull(run.CompletedAt);
        Assert.Null(run.Owner);
        Assert.Null(run.LeaseUntil);
        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "late")]));
    }

    [StoreFact]
    public async Task CompleteRun_racing_succeeds_exactly_once()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        var stores = Enumerable.Range(0, 4).Select(_ => OpenAnother()).ToArray();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await stores[i % stores.Length].CompleteRunAsync("r1", "owner-a", RunStatus.Succeeded, "{\"by\":" + i + "}", null);
        })).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, results.Count(r => r));
        int winner = Array.IndexOf(results, true);
        var run = await Store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal("{\"by\":" + winner + "}", run.OutputsJson);
    }

    [StoreFact]
    public async Task CompleteRun_rejects_a_non_final_status()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Paused, null, null));
    }

    [StoreFact]
    public async Task ClaimRuns_takes_expired_and_pending_runs_only()
    {
        await Store.StartRunAsync(NewRun("live", createdAt: Now.AddSeconds(-50)), "owner-a", Live);
        await Store.StartRunAsync(NewRun("dead", createdAt: Now.AddSeconds(-40)), "owner-dead", Expired);
        await PendingRunAsync("pending", createdAt: Now.AddSeconds(-30));
        await Store.StartRunAsync(NewRun("paused", createdAt: Now.AddSeconds(-20)), "owner-a", Expired);
        Assert.True(await Store.SetStatusAsync("paused", RunStatus.Paused, [RunStatus.Running]));
        await Store.StartRunAsync(NewRun("done", createdAt: Now.AddSeconds(-10)), "owner-a", Live);
        Assert.True(await Store.CompleteRunAsync("done", "owner-a", RunStatus.Succeeded, null, null));
        await Store.StartRunAsync(NewRun("other-workflow", "billing", Now.AddSeconds(-5)), "owner-dead", Expired);

        var claimed = await Store.ClaimRunsAsync("owner-b", Now, Live, 10, "orders");

        Assert.Equal(["dead", "pending"], claimed.Select(r => r.RunId));
        Assert.All(claimed, r =>
        {
            Assert.Equal(RunStatus.Running, r.Status);
            Assert.Equal("owner-b", r.Owner);
            Assert.Equal(Live, r.LeaseUntil);
        });
        Assert.Equal("owner-b", (await Store.GetRunAsync("dead"))!.Owner);
        Assert.Empty(await Store.ClaimRunsAsync("owner-c", Now, Live, 10, "orders"));

        // Without a workflow filter the billing run is claimable; max limits, oldest first.
        await PendingRunAsync("p2", createdAt: Now.AddSeconds(-60));
        var two = await Store.ClaimRunsAsync("owner-c", Now, Live, 1);
        Assert.Equal("p2", Assert.Single(two).RunId);
        Assert.Equal("other-workflow", Assert.Single(await Store.ClaimRunsAsync("owner-c", Now, Live, 5)).RunId);
        Assert.Empty(await Store.ClaimRunsAsync("owner-c", Now, Live, 0));
    }

    [StoreFact]
    public async Task ClaimRuns_concurrently_never_hands_a_run_to_two_claimers()
    {
        const int runCount = 120;
        const int claimers = 6;
        for (int i = 0; i < runCount; i++)
        {
            if (i % 2 == 0)
            {
                await PendingRunAsync("run-" + i.ToString("D3"), createdAt: Now.AddMilliseconds(-i));
            }
            else
            {
                await Store.StartRunAsync(NewRun("run-" + i.ToString("D3"), createdAt: Now.AddMilliseconds(-i)), "owner-dead", Expired);
            }
        }

        var stores = Enumerable.Range(0, claimers).Select(_ => OpenAnother()).ToArray();
        using var barrier = new Barrier(claimers);
        var claims = new ConcurrentBag<(string Owner, string RunId)>();
        var tasks = stores.Select((store, c) => Task.Run(async () =>
        {
            string owner = "claimer-" + c;
            barrier.SignalAndWait();
            while (true)
            {
                var claimed = await store.ClaimRunsAsync(owner, Now, Live, 7);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var run in claimed)
                {
                    Assert.Equal(owner, run.Owner);
                    claims.Add((owner, run.RunId));
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        var all = claims.ToArray();
        Assert.Equal(all.Length, all.Select(c => c.RunId).Distinct().Count());
        Assert.Equal(runCount, all.Length);
        foreach (var (owner, runId) in all)
        {
            Assert.Equal(owner, (await Store.GetRunAsync(runId))!.Owner);
        }
    }

    [StoreFact]
    public async Task Pause_resume_and_cancel_move_the_status_and_the_owner()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);

        Assert.True(await Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));
        var paused = await Store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Paused, paused!.Status);
        Assert.Equal("owner-a", paused.Owner);
        // Steps that were running when the run paused still finish and are recorded.
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a")]));
        Assert.False(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Succeeded, null, null));
        Assert.Empty(await Store.ClaimRunsAsync("owner-b", Now.AddHours(1), Live.AddHours(1), 10));
        Assert.False(await Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));

        Assert.True(await Store.SetStatusAsync("r1", RunStatus.Pending, [RunStatus.Paused]));
        var resumed = await Store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Pending, resumed!.Status);
        Assert.Null(resumed.Owner);
        Assert.Null(resumed.LeaseUntil);
        Assert.False(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "b")]));

        Assert.Equal("owner-b", Assert.Single(await Store.ClaimRunsAsync("owner-b", Now, Live, 10)).Owner);

        Assert.True(await Store.SetStatusAsync("r1", RunStatus.Cancelled, [RunStatus.Pending, RunStatus.Running, RunStatus.Paused]));
        var cancelled = await Store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Cancelled, cancelled!.Status);
        Assert.Null(cancelled.Owner);
        Assert.NotNull(cancelled.CompletedAt);
        Assert.False(await Store.RecordStepsAsync("r1", "owner-b", [Step("r1", "b")]));
        Assert.False(await Store.CompleteRunAsync("r1", "owner-b", RunStatus.Succeeded, null, null));
        Assert.False(await Store.SetStatusAsync("r1", RunStatus.Pending, [RunStatus.Paused, RunStatus.Running]));
        Assert.False(await Store.SetStatusAsync("r1", RunStatus.Paused, []));
        Assert.False(await Store.SetStatusAsync("missing", RunStatus.Paused, [RunStatus.Running]));
        Assert.Empty(await Store.ClaimRunsAsync("owner-c", Now.AddHours(1), Live.AddHours(1), 10));
    }

    [StoreFact]
    public async Task A_compensated_step_is_marked_and_deleted_before_a_retry_so_it_runs_again()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a"), Step("r1", "b", 0), Step("r1", "b", 1), Step("r1", "c")]));
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "d", status: StepStatus.Failed, output: null, error: "boom")]));

        await Store.MarkCompensatedAsync("r1", "b");
        await Store.MarkCompensatedAsync("r1", "d"); // failed: not a completed step, left as it is
        Assert.Equal(
            ["a:Succeeded", "b:Compensated", "b:Compensated", "c:Succeeded", "d:Failed"],
            (await Store.GetStepsAsync("r1")).Select(s => s.StepId + ":" + s.Status));

        Assert.True(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Failed, null, "boom"));
        await Store.DeleteFailedStepsAsync("r1");
        Assert.Equal(["a", "c"], (await Store.GetStepsAsync("r1")).Select(s => s.StepId));
    }

    [StoreFact]
    public async Task Retry_from_failure_deletes_failed_steps_and_makes_the_run_claimable()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a"), Step("r1", "b", 0), Step("r1", "b", 1, StepStatus.Failed, null, "boom")]));
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "c", status: StepStatus.Failed, output: null, error: "boom")]));
        Assert.True(await Store.CompleteRunAsync("r1", "owner-a", RunStatus.Failed, null, "boom"));

        await Store.DeleteFailedStepsAsync("r1");
        Assert.Equal(["a", "b"], (await Store.GetStepsAsync("r1")).Select(s => s.StepId));
        Assert.True(await Store.SetStatusAsync("r1", RunStatus.Pending, [RunStatus.Failed]));
        var pending = await Store.GetRunAsync("r1");
        Assert.Equal(RunStatus.Pending, pending!.Status);
        Assert.Null(pending.CompletedAt);

        var claimed = Assert.Single(await Store.ClaimRunsAsync("owner-b", Now, Live, 10));
        Assert.Equal("r1", claimed.RunId);
        Assert.True(await Store.RecordStepsAsync("r1", "owner-b", [Step("r1", "b", 1), Step("r1", "c")]));
        Assert.True(await Store.CompleteRunAsync("r1", "owner-b", RunStatus.Succeeded, "{\"done\":true}", null));

        var steps = await Store.GetStepsAsync("r1");
        Assert.Equal([("a", -1), ("b", 0), ("b", 1), ("c", -1)], steps.Select(s => (s.StepId, s.ItemIndex)));
        Assert.All(steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync("r1"))!.Status);
        Assert.False(await Store.SetStatusAsync("r1", RunStatus.Pending, [RunStatus.Failed]));
    }

    [StoreFact]
    public async Task ListRuns_filters_and_orders_newest_first()
    {
        var t = Now.AddHours(-1);
        await Store.StartRunAsync(NewRun("o1", "orders", t.AddMinutes(1)), "a", Live);
        await Store.StartRunAsync(NewRun("o2", "orders", t.AddMinutes(2)), "a", Live);
        await Store.StartRunAsync(NewRun("b1", "billing", t.AddMinutes(3)), "a", Live);
        await Store.StartRunAsync(NewRun("o3", "orders", t.AddMinutes(4)), "a", Live);
        await Store.StartRunAsync(NewRun("b2", "billing", t.AddMinutes(5)), "a", Live);
        Assert.True(await Store.CompleteRunAsync("o2", "a", RunStatus.Succeeded, null, null));
        Assert.True(await Store.CompleteRunAsync("b2", "a", RunStatus.Failed, null, "x"));

        async Task<string[]> Ids(RunQuery q) => (await Store.ListRunsAsync(q)).Select(r => r.RunId).ToArray();

        Assert.Equal(["b2", "o3", "b1", "o2", "o1"], await Ids(new RunQuery()));
        Assert.Equal(["o3", "o2", "o1"], await Ids(new RunQuery(WorkflowName: "orders")));
        Assert.Equal(["o3", "b1", "o1"], await Ids(new RunQuery(Status: RunStatus.Running)));
        Assert.Equal(["o3", "o1"], await Ids(new RunQuery("orders", RunStatus.Running)));
        Assert.Equal(["o3", "b1", "o2"], await Ids(new RunQuery(CreatedAfter: t.AddMinutes(2), CreatedBefore: t.AddMinutes(5))));
        Assert.Equal(["b2", "o3"], await Ids(new RunQuery(Limit: 2)));
        Assert.Equal(["b2"], await Ids(new RunQuery("billing", RunStatus.Failed, t, Now)));
        Assert.Empty(await Ids(new RunQuery(WorkflowName: "nothing")));
    }

    [StoreFact]
    public async Task Events_come_back_oldest_first_per_run()
    {
        await Store.AppendEventAsync(new RunEvent("r1", 0, Now, "started", null, null));
        await Store.AppendEventAsync(new RunEvent("r2", 0, Now, "started", null, null));
        await Store.AppendEventAsync(new RunEvent("r1", 0, Now.AddSeconds(1), "step-completed", "a", null));
        await Store.AppendEventAsync(new RunEvent("r1", 0, Now.AddSeconds(1), "step-failed", "b", "boom"));
        await Store.AppendEventAsync(new RunEvent("r1", 0, Now.AddSeconds(2), "paused", null, "by the operator"));

        var events = await Store.GetEventsAsync("r1");

        Assert.Equal(["started", "step-completed", "step-failed", "paused"], events.Select(e => e.Kind));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
        Assert.All(events, e => Assert.Equal("r1", e.RunId));
        Assert.Equal(new RunEvent("r1", events[2].Sequence, Now.AddSeconds(1), "step-failed", "b", "boom"), events[2]);
        Assert.Equal("by the operator", events[3].Detail);
        Assert.Null(events[3].StepId);
        Assert.Single(await Store.GetEventsAsync("r2"));
        Assert.Empty(await Store.GetEventsAsync("r3"));
    }

    [StoreFact]
    public async Task A_second_store_instance_sees_the_same_runs()
    {
        await Store.StartRunAsync(NewRun("r1"), "owner-a", Live);
        Assert.True(await Store.RecordStepsAsync("r1", "owner-a", [Step("r1", "a")]));

        var other = OpenAnother();
        Assert.Equal(await Store.GetRunAsync("r1"), await other.GetRunAsync("r1"));
        Assert.Equal(await Store.GetStepsAsync("r1"), await other.GetStepsAsync("r1"));
    }

    /// <summary>A run that finished as <paramref name="status"/>, with a step and an event; returns its completion time.</summary>
    private async Task<DateTimeOffset> FinishedRunAsync(string id, RunStatus status, string workflow = "orders")
    {
        await Store.StartRunAsync(NewRun(id, workflow), "owner-a", Live);
        Assert.True(await Store.RecordStepsAsync(id, "owner-a", [Step(id, "a")]));
        await Store.AppendEventAsync(new RunEvent(id, 0, Now, "started", null, null));
        Assert.True(await Store.CompleteRunAsync(id, "owner-a", status, null, status == RunStatus.Failed ? "boom" : null));
        return (await Store.GetRunAsync(id))!.CompletedAt!.Value;
    }

    [StoreFact]
    public async Task Purge_deletes_only_finished_runs_completed_before_the_cutoff_with_their_steps_and_events()
    {
        var old = await FinishedRunAsync("old-ok", RunStatus.Succeeded);
        await FinishedRunAsync("old-failed", RunStatus.Failed);
        await FinishedRunAsync("old-cancelled", RunStatus.Cancelled);
        await PendingRunAsync("pending");
        await Store.StartRunAsync(NewRun("running"), "owner-a", Live);
        await PendingRunAsync("paused");
        Assert.True(await Store.SetStatusAsync("paused", RunStatus.Paused, [RunStatus.Pending]));

        // Runs finish until one completes after the first three (the store's clock, in whole milliseconds, moved on):
        // its completion time is the cutoff, so it stays and the older ones go.
        DateTimeOffset cutoff;
        var n = 0;
        do
        {
            cutoff = await FinishedRunAsync("new-" + n++, RunStatus.Succeeded);
        }
        while (cutoff <= (await Store.GetRunAsync("old-cancelled"))!.CompletedAt!.Value && n < 100_000);

        Assert.Equal(3, await Store.PurgeRunsAsync(new PurgeQuery(cutoff)));

        foreach (var gone in new[] { "old-ok", "old-failed", "old-cancelled" })
        {
            Assert.Null(await Store.GetRunAsync(gone));
            Assert.Empty(await Store.GetStepsAsync(gone));
            Assert.Empty(await Store.GetEventsAsync(gone));
        }

        // Unfinished runs stay however old the cutoff, and so does the run that completed at the cutoff.
        Assert.Equal(0, await Store.PurgeRunsAsync(new PurgeQuery(cutoff)));
        Assert.Equal(n, await Store.PurgeRunsAsync(new PurgeQuery(cutoff.AddYears(100))));
        Assert.Equal(RunStatus.Pending, (await Store.GetRunAsync("pending"))!.Status);
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync("running"))!.Status);
        Assert.Equal(RunStatus.Paused, (await Store.GetRunAsync("paused"))!.Status);
        Assert.True(old < cutoff);
    }

    [StoreFact]
    public async Task Purge_filters_by_workflow_and_status()
    {
        await FinishedRunAsync("a-ok", RunStatus.Succeeded, "a");
        await FinishedRunAsync("a-failed", RunStatus.Failed, "a");
        await FinishedRunAsync("b-ok", RunStatus.Succeeded, "b");
        var later = Now.AddYears(100);

        Assert.Equal(1, await Store.PurgeRunsAsync(new PurgeQuery(later, WorkflowName: "a", Status: RunStatus.Succeeded)));
        Assert.Null(await Store.GetRunAsync("a-ok"));
        Assert.NotNull(await Store.GetRunAsync("a-failed"));
        Assert.NotNull(await Store.GetRunAsync("b-ok"));

        Assert.Equal(1, await Store.PurgeRunsAsync(new PurgeQuery(later, Status: RunStatus.Failed)));
        Assert.Null(await Store.GetRunAsync("a-failed"));
        Assert.Equal(1, await Store.PurgeRunsAsync(new PurgeQuery(later, WorkflowName: "b")));
        Assert.Empty(await Store.ListRunsAsync(new RunQuery()));
    }

    [StoreFact]
    public async Task Purge_refuses_a_status_that_is_not_finished()
    {
        await PendingRunAsync("r1");
        foreach (var status in new[] { RunStatus.Running, RunStatus.Pending, RunStatus.Paused })
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Store.PurgeRunsAsync(new PurgeQuery(Now.AddYears(100), Status: status)));
            Assert.Contains("Only finished runs can be purged", error.Message);
        }

        Assert.NotNull(await Store.GetRunAsync("r1"));
    }
}
