using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Testing;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// Steering a run that a process is running, on every store: pause at the next step boundary, cancel at once, a
/// truthful record when the run finishes first, failed and running steps in the history, a store failure told
/// apart from a step's. Gates and a manual clock: the control timer fires when the test moves the clock.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(60);

    private (ManualTimeProvider Clock, WatchingStore Store, WorkflowOptions Options) Steering(string owner = "worker-1")
    {
        var clock = new ManualTimeProvider(Now);
        var store = new WatchingStore(Store);
        return (clock, store, new WorkflowOptions { Store = store, Owner = owner, TimeProvider = clock, LeaseDuration = TimeSpan.FromSeconds(30), ControlInterval = TimeSpan.FromSeconds(1) });
    }

    [StoreFact]
    public async Task Pause_stops_a_running_run_at_its_next_step_boundary_and_records_it_paused()
    {
        var (clock, store, options) = Steering();
        var actions = new SteeringActions();
        var run = new SteeredWorkflow(actions, options).RunDurableAsync(new SteeredWorkflow.Inputs(), "p1").AsTask();
        await actions.Entered("one").WaitAsync(s_guard);

        Assert.True(await new WorkflowRuns(Store).PauseAsync("p1"));
        Assert.Equal((RunStatus.Running, RunControl.Pause), await StatusAsync("p1"));
        clock.Advance(TimeSpan.FromSeconds(1)); // one control interval: the owner reads the request
        await store.Event("pausing").WaitAsync(s_guard);
        actions.Release("one");

        await Assert.ThrowsAsync<WorkflowRunPausedException>(() => run.WaitAsync(s_guard));
        var paused = (await Store.GetRunAsync("p1"))!;
        Assert.Equal(RunStatus.Paused, paused.Status);
        Assert.Null(paused.Owner);
        Assert.Null(paused.Requested);
        Assert.Equal(["one"], (await Store.GetStepsAsync("p1")).Where(s => s.Status == StepStatus.Succeeded).Select(s => s.StepId));
        Assert.False(actions.Calls.ContainsKey("two"));
        Assert.Contains(await Store.GetEventsAsync("p1"), e => e.Kind == "paused");

        Assert.True(await new WorkflowRuns(Store).ResumeAsync("p1"));
        var resumed = new SteeringActions();
        foreach (var step in new[] { "one", "two", "three" })
        {
            resumed.Free[step] = true;
        }

        Assert.Equal(1, await new SteeredWorkflow(resumed, new WorkflowOptions { Store = options.Store, Owner = "worker-2", TimeProvider = options.TimeProvider }).RecoverAsync());
        Assert.False(resumed.Calls.ContainsKey("one"));
        Assert.Equal(1, resumed.Calls["two"]);
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync("p1"))!.Status);
    }

    [StoreFact]
    public async Task A_run_that_finishes_before_it_sees_a_pause_is_recorded_succeeded()
    {
        var (_, _, options) = Steering();
        var actions = new SteeringActions();
        actions.Free["one"] = true;
        actions.Free["two"] = true;
        var run = new SteeredWorkflow(actions, options).RunDurableAsync(new SteeredWorkflow.Inputs(), "p2").AsTask();
        await actions.Entered("three").WaitAsync(s_guard);

        Assert.True(await new WorkflowRuns(Store).PauseAsync("p2"));
        actions.Release("three"); // before the next control interval: the owner never sees the request

        Assert.Equal("done three", (await run.WaitAsync(s_guard)).Last);
        Assert.Equal((RunStatus.Succeeded, (RunControl?)null), await StatusAsync("p2"));
    }

    [StoreFact]
    public async Task Cancel_cancels_the_running_actions_token_and_records_the_run_cancelled()
    {
        var (clock, store, options) = Steering();
        var actions = new SteeringActions();
        var run = new SteeredWorkflow(actions, options).RunDurableAsync(new SteeredWorkflow.Inputs(), "c1").AsTask();
        await actions.Entered("one").WaitAsync(s_guard);

        Assert.True(await new WorkflowRuns(Store) { Actor = "ops" }.CancelAsync("c1"));
        Assert.Equal((RunStatus.Running, RunControl.Cancel), await StatusAsync("c1"));
        clock.Advance(TimeSpan.FromSeconds(1));

        // The action's token is cancelled: 'one' never was released.
        var cancelled = await Assert.ThrowsAsync<WorkflowRunCancelledException>(() => run.WaitAsync(s_guard));
        Assert.Equal("c1", cancelled.RunId);
        Assert.Equal((RunStatus.Cancelled, (RunControl?)null), await StatusAsync("c1"));
        var events = await Store.GetEventsAsync("c1");
        Assert.Contains(events, e => e.Kind == "cancel-requested" && e.Detail == "by ops");
        Assert.Contains(events, e => e.Kind == "cancelled");
        Assert.False(actions.Calls.ContainsKey("two"));
        _ = store;
    }

    [StoreFact]
    public async Task Running_and_failed_steps_are_recorded_with_start_time_attempts_and_error()
    {
        var (clock, store, options) = Steering();
        var actions = new SteeringActions();
        actions.Free["one"] = true;
        var started = clock.GetUtcNow();
        var run = new SteeredWorkflow(actions, options).RunDurableAsync(new SteeredWorkflow.Inputs { FailAt = "two" }, "f1").AsTask();
        await actions.Entered("two").WaitAsync(s_guard);

        clock.Advance(TimeSpan.FromSeconds(1));
        await store.StepWritten("two", StepStatus.Running).WaitAsync(s_guard);
        var running = (await Store.GetStepsAsync("f1")).Single(s => s.StepId == "two");
        Assert.Equal(StepStatus.Running, running.Status);
        Assert.Equal(started, running.StartedAt);

        clock.Advance(TimeSpan.FromSeconds(2));
        actions.Release("two");
        await Assert.ThrowsAsync<WorkflowFailedException>(() => run.WaitAsync(s_guard));

        var steps = await Store.GetStepsAsync("f1");
        Assert.Equal(["one", "two"], steps.Select(s => s.StepId));
        var failed = steps[1];
        Assert.Equal(StepStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("step two failed on purpose", failed.Error);
        Assert.Equal(started, failed.StartedAt);
        Assert.Equal(started.AddSeconds(3), failed.CompletedAt);
        Assert.Equal(RunStatus.Failed, (await Store.GetRunAsync("f1"))!.Status);
    }

    [StoreFact]
    public async Task A_store_failure_is_reported_as_one_and_leaves_the_run_resumable()
    {
        var (_, store, options) = Steering();
        var actions = new SteeringActions();
        foreach (var step in new[] { "one", "two", "three" })
        {
            actions.Free[step] = true;
        }

        store.FailRecords = true;
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => new SteeredWorkflow(actions, options).RunDurableAsync(new SteeredWorkflow.Inputs(), "s1").AsTask());

        var failure = Find<WorkflowStoreException>(thrown);
        Assert.NotNull(failure);
        Assert.Contains("disk is full", failure.Message);
        Assert.Contains("resume s1", failure.Message);
        var run = (await Store.GetRunAsync("s1"))!;
        Assert.Equal(RunStatus.Pending, run.Status);
        Assert.Null(run.Error);

        store.FailRecords = false;
        Assert.Equal(1, await new SteeredWorkflow(actions, options).RecoverAsync());
        Assert.Equal(RunStatus.Succeeded, (await Store.GetRunAsync("s1"))!.Status);
    }

    private async Task<(RunStatus, RunControl?)> StatusAsync(string runId)
    {
        var run = (await Store.GetRunAsync(runId))!;
        return (run.Status, run.Requested);
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Tells the test when an event or a step record reaches the store; fails step records on demand.</summary>
    private sealed class WatchingStore(IWorkflowStore inner) : DelegatingWorkflowStore(inner)
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _seen = new();

        public volatile bool FailRecords;

        public Task Event(string kind) => Seen("event:" + kind).Task;

        public Task StepWritten(string stepId, StepStatus status) => Seen($"step:{stepId}:{status}").Task;

        public override async ValueTask AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken = default)
        {
            await base.AppendEventAsync(runEvent, cancellationToken);
            Seen("event:" + runEvent.Kind).TrySetResult();
        }

        public override async ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default)
        {
            if (FailRecords)
            {
                throw new IOException("SQLite Error 13: 'database or disk is full'.");
            }

            var recorded = await base.RecordStepsAsync(runId, owner, steps, cancellationToken);
            foreach (var step in steps)
            {
                Seen($"step:{step.StepId}:{step.Status}").TrySetResult();
            }

            return recorded;
        }

        private TaskCompletionSource Seen(string key) => _seen.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
