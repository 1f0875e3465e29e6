using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Tests;

/// <summary>Durable runs on a real SQLite file: checkpoints, resume, idempotent ids, control, definition changes.</summary>
public sealed class DurableRunTests : IDisposable
{
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("wf-durable-").FullName;
    private readonly SqliteWorkflowStore _store;

    public DurableRunTests() => _store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private WorkflowOptions Options(string owner = "worker-1", TimeSpan? lease = null)
        => new() { Store = _store, Owner = owner, LeaseDuration = lease ?? TimeSpan.FromSeconds(30) };

    private static DurableOrdersWorkflow.Inputs Order => new() { OrderId = "o-7", Items = new[] { "a", "b", "c" } };

    [Fact]
    public async Task A_durable_run_records_every_step_and_its_outcome_once()
    {
        var actions = new DurableActions();

        var outputs = await new DurableOrdersWorkflow(actions, Options()).RunDurableAsync(Order, "run-1");

        Assert.Equal(33m, outputs.Total);
        Assert.Equal(new[] { "[a]@0", "[b]@1", "[c]@2" }, outputs.Labels);
        Assert.Equal("TRK-o-7-True", outputs.Tracking);
        var run = await _store.GetRunAsync("run-1");
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Contains("\"total\":33", run.OutputsJson);
        var steps = await _store.GetStepsAsync("run-1");
        Assert.Equal(new[] { "done", "label#0", "label#1", "label#2", "load", "ship", "total" },
            steps.Select(s => s.ItemIndex < 0 ? s.StepId : $"{s.StepId}#{s.ItemIndex}").Order(StringComparer.Ordinal));
        var child = await _store.GetRunAsync("run-1/ship");
        Assert.Equal(RunStatus.Succeeded, child!.Status);
        Assert.Equal(new[] { "book", "pack" }, (await _store.GetStepsAsync("run-1/ship")).Select(s => s.StepId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_run_id_is_an_idempotency_key()
    {
        var actions = new DurableActions();
        var workflow = new DurableOrdersWorkflow(actions, Options());

        var first = await workflow.RunDurableAsync(Order, "run-2");
        var again = await workflow.RunDurableAsync(Order with { OrderId = "other" }, "run-2");

        Assert.Equal(first.Total, again.Total);
        Assert.Equal(first.Tracking, again.Tracking);
        Assert.Equal(1, actions.Calls["load"]);
        Assert.Equal(1, actions.Calls["book"]);
    }

    [Fact]
    public async Task A_resumed_run_skips_the_steps_it_completed_and_keeps_their_outputs()
    {
        // The first execution stops (as a process would at shutdown) when 'book' starts: load, the labels,
        // total and ship's pack step are done.
        using var stop = new CancellationTokenSource();
        var first = new DurableActions
        {
            Before = (name, token) =>
            {
                if (name == "book")
                {
                    stop.Cancel();
                    token.ThrowIfCancellationRequested();
                }

                return Task.CompletedTask;
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DurableOrdersWorkflow(first, Options()).RunDurableAsync(Order, "run-3", stop.Token).AsTask());
        Assert.Equal(RunStatus.Pending, (await _store.GetRunAsync("run-3"))!.Status);

        var second = new DurableActions();
        var outputs = await new DurableOrdersWorkflow(second, Options("worker-2")).RunDurableAsync(Order, "run-3").AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(33m, outputs.Total);
        Assert.Equal(new[] { "[a]@0", "[b]@1", "[c]@2" }, outputs.Labels);
        Assert.Equal(new[] { "book", "note:shipped TRK-o-7-True" }, second.Calls.Keys.Order(StringComparer.Ordinal));
        var steps = await _store.GetStepsAsync("run-3");
        Assert.Equal(steps.Count, steps.Select(s => (s.StepId, s.ItemIndex)).Distinct().Count());
    }

    [Fact]
    public async Task A_live_owner_keeps_its_run_and_an_expired_lease_is_taken_over()
    {
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new DurableActions
        {
            Before = async (name, token) =>
            {
                if (name == "load")
                {
                    started.TrySetResult();
                    await blocked.Task.WaitAsync(token);
                }
            },
        };
        using var abandon = new CancellationTokenSource();
        var running = new DurableOrdersWorkflow(slow, Options("worker-1")).RunDurableAsync(Order, "run-4", abandon.Token).AsTask();
        await started.Task.WaitAsync(s_deadlockGuard);

        await Assert.ThrowsAsync<WorkflowRunInProgressException>(() => new DurableOrdersWorkflow(new DurableActions(), Options("worker-2")).RunDurableAsync(Order, "run-4").AsTask());

        // The owner dies without a word: its lease runs out, and recovery elsewhere takes the run over.
        abandon.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await _store.SetStatusAsync("run-4", RunStatus.Running, new[] { RunStatus.Pending }); // as the dead process left it
        var recovered = new DurableActions();
        var completed = await new DurableOrdersWorkflow(recovered, Options("worker-3")).RecoverAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(1, completed);
        Assert.Equal(RunStatus.Succeeded, (await _store.GetRunAsync("run-4"))!.Status);
        Assert.Equal(1, recovered.Calls["load"]);
    }

    [Fact]
    public async Task A_failed_run_is_retried_from_its_failed_step()
    {
        var failing = new DurableActions { Before = (name, _) => name == "total" ? throw new InvalidOperationException("tax service down") : Task.CompletedTask };
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new DurableOrdersWorkflow(failing, Options()).RunDurableAsync(Order, "run-5").AsTask());
        Assert.Equal("total", failure.StepId);
        var stored = await _store.GetRunAsync("run-5");
        Assert.Equal(RunStatus.Failed, stored!.Status);
        Assert.Contains("tax service down", stored.Error);

        // Starting it again returns the recorded outcome instead of running it twice.
        await Assert.ThrowsAsync<WorkflowRunFinishedException>(() => new DurableOrdersWorkflow(new DurableActions(), Options()).RunDurableAsync(Order, "run-5").AsTask());

        Assert.True(await new WorkflowRuns(_store).RetryAsync("run-5"));
        var retried = new DurableActions();
        var outputs = await new DurableOrdersWorkflow(retried, Options()).RunDurableAsync(Order, "run-5");

        Assert.Equal(33m, outputs.Total);
        Assert.False(retried.Calls.ContainsKey("load"));
        Assert.DoesNotContain(retried.Calls.Keys, k => k.StartsWith("label:", StringComparison.Ordinal));
        Assert.Equal(1, retried.Calls["total"]);
    }

    [Fact]
    public async Task Retry_after_a_compensation_runs_the_compensated_step_again()
    {
        var failing = new DurableActions { Before = (name, _) => name == "note:charge" ? throw new InvalidOperationException("card declined") : Task.CompletedTask };
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new DurableSagaWorkflow(failing, Options()).RunDurableAsync(new DurableSagaWorkflow.Inputs { OrderId = "o-1" }, "saga-1").AsTask());
        Assert.Equal("charge", failure.StepId);
        Assert.Equal(1, failing.Calls["note:undo TRK-o-1-True"]);
        Assert.Equal(StepStatus.Compensated, Assert.Single(await _store.GetStepsAsync("saga-1"), s => s.StepId == "reserve").Status);

        Assert.True(await new WorkflowRuns(_store).RetryAsync("saga-1"));
        var retried = new DurableActions();
        await new DurableSagaWorkflow(retried, Options()).RunDurableAsync(new DurableSagaWorkflow.Inputs { OrderId = "o-1" }, "saga-1");

        // The reservation was undone, so the retry books it again before charging.
        Assert.Equal(1, retried.Calls["book"]);
        Assert.Equal(1, retried.Calls["note:charge"]);
        Assert.Equal(RunStatus.Succeeded, (await _store.GetRunAsync("saga-1"))!.Status);
        Assert.All(await _store.GetStepsAsync("saga-1"), s => Assert.Equal(StepStatus.Succeeded, s.Status));
    }

    [Theory]
    [InlineData("orders", "load", "label")] // concurrent shape; the next step is a foreach
    [InlineData("orders", "total", "ship")] // the next step calls a sub-workflow
    [InlineData("orders", "note:pack", "book")] // inside the sub-workflow (its first action is a note)
    [InlineData("ship", "note:pack", "book")] // sequential shape
    public async Task A_draining_run_reports_no_further_step_as_started(string workflow, string drainingAction, string notStarted)
    {
        using var drain = new CancellationTokenSource();
        var observer = new RecordingObserver();
        var actions = new DurableActions
        {
            Before = (name, _) =>
            {
                if (name.StartsWith(drainingAction, StringComparison.Ordinal))
                {
                    drain.Cancel();
                }

                return Task.CompletedTask;
            },
        };
        var options = new WorkflowOptions { Store = _store, Owner = "worker-1", Observer = observer, DrainToken = drain.Token };

        var run = workflow == "orders"
            ? new DurableOrdersWorkflow(actions, options).RunDurableAsync(Order, "drain-1").AsTask()
            : (Task)new DurableShipWorkflow(actions, options).RunDurableAsync(new DurableShipWorkflow.Inputs { OrderId = "o-7" }, "drain-1").AsTask();

        await Assert.ThrowsAsync<WorkflowRunPausedException>(() => run.WaitAsync(s_deadlockGuard));
        Assert.Contains(observer.Events, e => e.StartsWith("step completed", StringComparison.Ordinal));
        Assert.DoesNotContain($"step started {notStarted}", observer.Events);
    }

    [Fact]
    public async Task Pause_lets_the_running_step_finish_and_starts_no_new_one_then_resume_continues()
    {
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actions = new DurableActions
        {
            Before = async (name, _) =>
            {
                if (name == "total")
                {
                    loading.TrySetResult();
                    await release.Task;
                }
            },
        };
        var options = Options(lease: TimeSpan.FromSeconds(3));
        var run = new DurableOrdersWorkflow(actions, options).RunDurableAsync(Order, "run-6").AsTask();
        await loading.Task.WaitAsync(s_deadlockGuard);

        Assert.True(await new WorkflowRuns(_store).PauseAsync("run-6"));
        // Let the running step finish only once the run has noticed the pause (at a lease renewal).
        await WaitUntilAsync(async () => (await _store.GetEventsAsync("run-6")).Any(e => e.Kind == "pausing"));
        release.SetResult();

        await Assert.ThrowsAsync<WorkflowRunPausedException>(() => run.WaitAsync(s_deadlockGuard));
        Assert.Equal(RunStatus.Paused, (await _store.GetRunAsync("run-6"))!.Status);
        Assert.Contains(await _store.GetStepsAsync("run-6"), s => s.StepId == "total");
        Assert.False(actions.Calls.ContainsKey("book"));

        Assert.True(await new WorkflowRuns(_store).ResumeAsync("run-6"));
        var resumed = new DurableActions();
        Assert.Equal(1, await new DurableOrdersWorkflow(resumed, Options("worker-2")).RecoverAsync());
        Assert.False(resumed.Calls.ContainsKey("total"));
        Assert.Equal(1, resumed.Calls["book"]);
        Assert.Equal(RunStatus.Succeeded, (await _store.GetRunAsync("run-6"))!.Status);
    }

    [Fact]
    public async Task Cancel_stops_a_running_durable_run_and_records_it_cancelled()
    {
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actions = new DurableActions
        {
            Before = async (name, token) =>
            {
                if (name == "load")
                {
                    loading.TrySetResult();
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var run = new DurableOrdersWorkflow(actions, Options(lease: TimeSpan.FromSeconds(3))).RunDurableAsync(Order, "run-7").AsTask();
        await loading.Task.WaitAsync(s_deadlockGuard);

        Assert.True(await new WorkflowRuns(_store).CancelAsync("run-7"));

        // Reported as a cancel (not as a lost lease, which a cancel also looks like: it releases the owner).
        var cancelled = await Assert.ThrowsAsync<WorkflowRunCancelledException>(() => run.WaitAsync(s_deadlockGuard));
        Assert.Equal("run-7", cancelled.RunId);
        Assert.Equal(RunStatus.Cancelled, (await _store.GetRunAsync("run-7"))!.Status);
    }

    [Fact]
    public async Task Resuming_after_a_completed_step_changed_is_refused_with_what_changed()
    {
        using var stop = new CancellationTokenSource();
        var first = new DurableActions { Before = (name, token) => { if (name == "total") { stop.Cancel(); token.ThrowIfCancellationRequested(); } return Task.CompletedTask; } };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DurableOrdersWorkflow(first, Options()).RunDurableAsync(Order, "run-8", stop.Token).AsTask());

        // As if an older build had recorded 'load' with another action: the signature no longer matches.
        var load = (await _store.GetStepsAsync("run-8")).Single(s => s.StepId == "load");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "runs.db")}"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE steps SET signature = 'orders.fetch -> global::Shop.Order' WHERE run_id = 'run-8' AND step_id = 'load'";
            await command.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<WorkflowDefinitionChangedException>(() => new DurableOrdersWorkflow(new DurableActions(), Options()).RunDurableAsync(Order, "run-8").AsTask());

        Assert.Contains("step 'load' was 'orders.fetch -> global::Shop.Order' and is now 'durable.load -> global::Workflows.Tests.DurableOrder'", refused.Message);
        Assert.Equal(RunStatus.Pending, (await _store.GetRunAsync("run-8"))!.Status);
        Assert.NotNull(load);
    }

    [Fact]
    public async Task A_compatible_edit_of_the_definition_resumes()
    {
        using var stop = new CancellationTokenSource();
        var first = new DurableActions { Before = (name, token) => { if (name == "total") { stop.Cancel(); token.ThrowIfCancellationRequested(); } return Task.CompletedTask; } };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DurableOrdersWorkflow(first, Options()).RunDurableAsync(Order, "run-9", stop.Token).AsTask());

        // The run started under another definition (say, before a step was added downstream): its completed
        // steps still match, so it resumes.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "runs.db")}"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE runs SET definition_hash = 'an-older-definition' WHERE run_id = 'run-9'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var resumed = new DurableActions();
        var outputs = await new DurableOrdersWorkflow(resumed, Options()).RunDurableAsync(Order, "run-9");

        Assert.Equal(33m, outputs.Total);
        Assert.False(resumed.Calls.ContainsKey("load"));
    }

    [Fact]
    public async Task History_lists_runs_and_shows_one_with_its_steps_and_events()
    {
        await new DurableOrdersWorkflow(new DurableActions(), Options()).RunDurableAsync(Order, "run-10");
        var runs = new WorkflowRuns(_store);

        var listed = await runs.ListAsync(new RunQuery(WorkflowName: "durable-orders", Status: RunStatus.Succeeded));
        var details = await runs.GetAsync("run-10");

        Assert.Contains(listed, r => r.RunId == "run-10");
        Assert.DoesNotContain(listed, r => r.RunId == "run-10/ship");
        Assert.Equal(7, details!.Steps.Count); // load, 3 label items, total, ship, done
        Assert.Contains(details.Events, e => e.Kind == "succeeded");
        Assert.Null(await runs.GetAsync("no-such-run"));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + s_deadlockGuard;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
