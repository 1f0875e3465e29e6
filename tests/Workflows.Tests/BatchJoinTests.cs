using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// Unobserved, unbounded runs join a batch's plain actions directly (no state machine per step). These cover
/// what that path must keep: failures, skipping, steps of the same batch that need their own method, and
/// more steps waiting at once than the joins' pool keeps.
/// </summary>
public sealed class BatchJoinTests
{
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_plain_step_and_a_retried_one_of_the_same_batch_run_at_the_same_time()
    {
        var plainStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retriedStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        var probe = new Probe
        {
            Behavior = async (name, _) =>
            {
                switch (name)
                {
                    case "plain":
                        plainStarted.SetResult();
                        await retriedStarted.Task; // only returns if the retried step runs meanwhile
                        break;
                    case "retried" when Interlocked.Increment(ref attempts) == 1:
                        retriedStarted.SetResult();
                        await plainStarted.Task;
                        throw new InvalidOperationException("first attempt");
                }
            },
        };

        await new MixedBatchWorkflow(probe).RunAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(2, attempts);
        Assert.Equal(new[] { "last", "plain", "retried" }, probe.Finished.Order().ToArray());
        Assert.Equal("last", probe.Finished.Last());
    }

    [Fact]
    public async Task An_action_that_throws_before_returning_its_task_fails_the_run_and_the_rest_of_its_batch_is_skipped()
    {
        var probe = new Probe();

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new ThrowsAtOnceWorkflow(probe).RunAsync().AsTask().WaitAsync(s_deadlockGuard));

        Assert.Equal("first", failure.StepId);
        Assert.Equal("thrown at once", Assert.IsType<InvalidOperationException>(failure.InnerException).Message);
        Assert.Empty(probe.Started);
    }

    [Fact]
    public async Task Many_overlapping_runs_each_finish_every_step()
    {
        // More batch steps wait at once than the pool keeps joins for: the rest are created and dropped.
        const int runs = 300;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe { Behavior = (name, _) => name is "left" or "right" ? release.Task : Task.CompletedTask };
        var workflow = new DiamondWorkflow(probe);

        var all = Enumerable.Range(0, runs).Select(_ => workflow.RunAsync().AsTask()).ToArray();
        release.SetResult();
        await Task.WhenAll(all).WaitAsync(s_deadlockGuard);

        Assert.Equal(runs * 4, probe.Finished.Count);
        Assert.Equal(runs, probe.Finished.Count(name => name == "join"));
    }
}
