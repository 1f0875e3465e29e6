using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// Generated executors at run time. Concurrency is proved with gates: a test that depends on two steps
/// running at once deadlocks (and times out) if they do not.
/// </summary>
public sealed class ExecutionTests
{
    /// <summary>Only a guard against a deadlocked test: nothing waits for it to elapse.</summary>
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Steps_run_after_their_dependencies_whatever_the_file_order()
    {
        var probe = new Probe();

        await new OrderingWorkflow(probe).RunAsync();

        Assert.Equal(new[] { "a", "b", "c", "d" }, probe.Finished);
        Assert.Equal(new[] { new[] { "a" }, new[] { "b" }, new[] { "c" }, new[] { "d" } }, OrderingWorkflow.Descriptor.Batches.Select(b => b.ToArray()));
    }

    [Fact]
    public async Task Independent_steps_run_at_the_same_time()
    {
        // left and right each wait until both have started: only possible if they overlap.
        var bothStarted = new Barrier2();
        var probe = new Probe
        {
            Behavior = (name, _) => name is "left" or "right" ? bothStarted.SignalAndWaitAsync() : Task.CompletedTask,
        };

        await new DiamondWorkflow(probe).RunAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal("start", probe.Started.First());
        Assert.Equal("join", probe.Finished.Last());
        Assert.Equal(new[] { "left", "right" }, probe.Started.Skip(1).Take(2).Order());
    }

    [Fact]
    public async Task A_batch_whose_steps_finish_in_reverse_order_continues_once_after_the_last()
    {
        // right finishes first and left last: the run must wait for left, whichever finished last.
        var releaseLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseRight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bothStarted = new CountdownEvent(2);
        var bothStartedGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rightFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var joinSawBothFinished = false;
        Probe probe = null!;
        probe = new Probe
        {
            AfterFinished = name =>
            {
                if (name == "right")
                {
                    rightFinished.SetResult();
                }
            },
            Behavior = (name, _) =>
            {
                if (name is "left" or "right" && bothStarted.Signal())
                {
                    bothStartedGate.SetResult();
                }

                switch (name)
                {
                    case "left":
                        return releaseLeft.Task;
                    case "right":
                        return releaseRight.Task;
                    case "join":
                        joinSawBothFinished = probe.Finished.Contains("left") && probe.Finished.Contains("right");
                        return Task.CompletedTask;
                    default:
                        return Task.CompletedTask;
                }
            },
        };

        var run = new DiamondWorkflow(probe).RunAsync().AsTask();
        await bothStartedGate.Task.WaitAsync(s_deadlockGuard);
        releaseRight.SetResult();
        await rightFinished.Task.WaitAsync(s_deadlockGuard);
        Assert.DoesNotContain("join", probe.Started);
        releaseLeft.SetResult();
        await run.WaitAsync(s_deadlockGuard);

        Assert.True(joinSawBothFinished);
        Assert.Equal(new[] { "start", "right", "left", "join" }, probe.Finished);
        Assert.Single(probe.Started, "join");
    }

    [Fact]
    public async Task A_batch_whose_steps_all_complete_at_once_goes_straight_on()
    {
        // Every action returns a completed task: the batch is over before the run waits for it.
        for (var i = 0; i < 100; i++)
        {
            var probe = new Probe();
            var run = new DiamondWorkflow(probe).RunAsync();

            Assert.True(run.IsCompletedSuccessfully);
            await run;
            Assert.Equal(new[] { "start", "left", "right", "join" }, probe.Finished);
        }
    }

    [Fact]
    public async Task Many_runs_of_a_batch_whose_steps_finish_on_other_threads_never_lose_the_run()
    {
        // The batch's last step and the run's wait race on every run; a lost wake-up would hang one of them.
        var probe = new Probe { Behavior = static async (_, _) => await Task.Yield() };
        var workflow = new DiamondWorkflow(probe);
        var runs = Task.Run(async () =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                await workflow.RunAsync();
            }
        });

        await runs.WaitAsync(TimeSpan.FromMinutes(2)); // only a guard: the runs take well under a second
        Assert.Equal(200_000, probe.Finished.Count);
    }

    [Fact]
    public async Task A_step_starts_before_an_unrelated_slow_step_of_its_batch_finishes()
    {
        // slow blocks until after-quick runs; after-quick depends on quick only. Waiting for the whole
        // first batch would deadlock.
        var releaseSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowWasRunningWhenAfterQuickStarted = false;
        Probe probe = null!;
        probe = new Probe
        {
            Behavior = (name, _) =>
            {
                switch (name)
                {
                    case "slow":
                        return releaseSlow.Task;
                    case "after-quick":
                        slowWasRunningWhenAfterQuickStarted = probe.Started.Contains("slow") && !probe.Finished.Contains("slow");
                        releaseSlow.SetResult();
                        return Task.CompletedTask;
                    default:
                        return Task.CompletedTask;
                }
            },
        };

        await new IndependentWorkflow(probe).RunAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.True(slowWasRunningWhenAfterQuickStarted);
        Assert.Equal(3, probe.Finished.Count);
        Assert.Equal(new[] { new[] { "slow", "quick" }, new[] { "after-quick" } }, IndependentWorkflow.Descriptor.Batches.Select(b => b.ToArray()));
    }

    [Fact]
    public async Task A_failing_step_fails_the_run_cancels_its_siblings_and_skips_its_dependents()
    {
        var siblingRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe
        {
            Behavior = async (name, token) =>
            {
                switch (name)
                {
                    case "sibling":
                        siblingRunning.SetResult();
                        await Task.Delay(Timeout.Infinite, token); // ends only through cancellation
                        break;
                    case "boom":
                        await siblingRunning.Task;
                        throw new InvalidOperationException("boom failed");
                }
            },
        };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new FailingWorkflow(probe).RunAsync().AsTask().WaitAsync(s_deadlockGuard));

        Assert.Equal("failing", failure.WorkflowName);
        Assert.Equal("boom", failure.StepId);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Equal("Workflow 'failing' failed at step 'boom': boom failed", failure.Message);
        Assert.True(probe.Tokens["sibling"].IsCancellationRequested);
        Assert.DoesNotContain("never", probe.Started);
        Assert.DoesNotContain("sibling", probe.Finished);
    }

    [Fact]
    public async Task Caller_cancellation_reaches_every_running_action_and_surfaces_as_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        var bothWaiting = new CountdownEvent(2);
        var probe = new Probe
        {
            Behavior = async (name, token) =>
            {
                if (name is "left" or "right")
                {
                    if (bothWaiting.Signal())
                    {
                        await cancellation.CancelAsync();
                    }

                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };

        var run = new DiamondWorkflow(probe).RunAsync(cancellation.Token).AsTask();
        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(s_deadlockGuard));

        Assert.Equal(cancellation.Token, exception.CancellationToken);
        Assert.True(probe.Tokens["left"].IsCancellationRequested);
        Assert.True(probe.Tokens["right"].IsCancellationRequested);
        Assert.DoesNotContain("join", probe.Started);
    }

    [Fact]
    public async Task Cancelling_a_sequential_run_stops_before_the_next_step()
    {
        using var cancellation = new CancellationTokenSource();
        var probe = new Probe
        {
            Behavior = async (name, token) =>
            {
                if (name == "two")
                {
                    await cancellation.CancelAsync();
                    token.ThrowIfCancellationRequested();
                }
            },
        };

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ChainWorkflow(probe).RunAsync(cancellation.Token).AsTask());

        Assert.Equal(cancellation.Token, exception.CancellationToken);
        Assert.Equal(cancellation.Token, probe.Tokens["one"]);
        Assert.Equal(new[] { "one", "two" }, probe.Started);
    }

    [Fact]
    public async Task A_failure_in_a_long_chain_whose_steps_share_a_catch_names_its_step()
    {
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new LongChainWorkflow().RunAsync().AsTask());

        Assert.Equal("s57", failure.StepId);
        Assert.Equal("step 57 failed", failure.InnerException!.Message);
    }

    [Fact]
    public async Task A_cancelled_token_runs_nothing()
    {
        var probe = new Probe();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DiamondWorkflow(probe).RunAsync(new CancellationToken(canceled: true)).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ChainWorkflow(probe).RunAsync(new CancellationToken(canceled: true)).AsTask());

        Assert.Empty(probe.Started);
    }

    [Fact]
    public async Task An_action_failure_in_a_sequential_run_names_the_step_and_stops_the_run()
    {
        var before = SyncActions.Calls;

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new SyncFailWorkflow().RunAsync().AsTask());

        Assert.Equal("broken", failure.StepId);
        Assert.Equal("broken on purpose", failure.InnerException!.Message);
        Assert.True(SyncActions.Calls - before >= 1);
    }

    [Fact]
    public async Task A_synchronous_failure_in_a_concurrent_run_is_reported_through_the_task()
    {
        var task = new SyncWideWorkflow().RunAsync();

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => task.AsTask());
        Assert.Equal("c", failure.StepId);
    }

    [Fact]
    public async Task A_synchronous_dag_run_in_order_skips_by_dependency_not_by_position()
    {
        var result = await new SyncDagWorkflow().RunWithReportAsync(new SyncDagWorkflow.Inputs());

        Assert.Equal(13, result.Outputs.Total);
        var report = result.Report;
        Assert.Equal(WorkflowRunStatus.Succeeded, report.Status);
        Assert.Equal(StepStatus.Failed, report["left"].Status); // on_error: continue
        Assert.Equal(StepStatus.Succeeded, report["right"].Status); // its sibling's failure does not touch it
        Assert.Equal(StepStatus.Skipped, report["after-left"].Status); // needed the failed step
        Assert.Equal(StepStatus.Succeeded, report["after-right"].Status);
        Assert.Equal(StepStatus.Skipped, report["broken"].Status); // if: false
        Assert.Equal(StepStatus.Succeeded, report["sibling"].Status);
    }

    [Fact]
    public async Task An_unobserved_synchronous_dag_run_computes_the_same_and_fails_the_same()
    {
        // RunAsync with no observer takes the copy of the steps that records nothing.
        var outputs = await new SyncDagWorkflow().RunAsync(new SyncDagWorkflow.Inputs());
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new SyncDagWorkflow().RunAsync(new SyncDagWorkflow.Inputs { Fail = true }).AsTask());
        var cancelled = new SyncDagWorkflow().RunAsync(new SyncDagWorkflow.Inputs(), new CancellationToken(canceled: true));

        Assert.Equal(13, outputs.Total);
        Assert.Equal("broken", failure.StepId);
        Assert.Null(failure.Report);
        Assert.True(cancelled.IsCanceled);
    }

    [Fact]
    public async Task A_failure_in_a_synchronous_dag_stops_the_steps_not_started_and_names_the_step()
    {
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(
            () => new SyncDagWorkflow().RunWithReportAsync(new SyncDagWorkflow.Inputs { Fail = true }).AsTask());

        Assert.Equal("broken", failure.StepId);
        Assert.Equal("broken", failure.InnerException!.Message);
        var report = Assert.IsType<WorkflowRunReport>(failure.Report);
        Assert.Equal(WorkflowRunStatus.Failed, report.Status);
        Assert.Equal(StepStatus.Succeeded, report["after-right"].Status);
        Assert.Equal(StepStatus.Failed, report["broken"].Status);
        Assert.Equal(StepStatus.Cancelled, report["sibling"].Status); // same batch, after it: never started
        Assert.Null(report["sibling"].StartedAt);
    }

    [Fact]
    public async Task A_failure_in_a_sequential_run_with_probe_keeps_the_cause()
    {
        var probe = new Probe { Behavior = (name, _) => name == "two" ? throw new TimeoutException("slow backend") : Task.CompletedTask };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new ChainWorkflow(probe).RunAsync().AsTask());

        Assert.Equal("chain", failure.WorkflowName);
        Assert.Equal("two", failure.StepId);
        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.DoesNotContain("three", probe.Started);
    }

    [Fact]
    public void Instance_action_hosts_are_required()
        => Assert.Throws<ArgumentNullException>(() => new DiamondWorkflow(null!));

    /// <summary>Two parties meet: each waits until both have arrived.</summary>
    private sealed class Barrier2
    {
        private readonly TaskCompletionSource _bothArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task SignalAndWaitAsync()
        {
            if (Interlocked.Increment(ref _arrived) == 2)
            {
                _bothArrived.SetResult();
            }

            return _bothArrived.Task;
        }
    }
}
