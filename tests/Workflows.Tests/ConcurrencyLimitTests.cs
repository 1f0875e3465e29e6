using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

public sealed class ConcurrencyLimitTests
{
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_at_a_time_runs_the_steps_in_the_static_batch_order()
    {
        // Each step yields before it finishes: without the bound, a, b, c and d would all start at once.
        var running = 0;
        var maxRunning = 0;
        var probe = new Probe
        {
            Behavior = async (_, _) =>
            {
                maxRunning = Math.Max(maxRunning, Interlocked.Increment(ref running));
                await Task.Yield();
                Interlocked.Decrement(ref running);
            },
        };

        await new ThrottledWorkflow(probe, new WorkflowOptions { MaxDegreeOfParallelism = 1 }).RunAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(1, maxRunning);
        Assert.Equal(ThrottledWorkflow.Descriptor.Batches.SelectMany(b => b), probe.Started);
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, probe.Started);
    }

    [Fact]
    public async Task A_bound_of_two_is_reached_and_never_exceeded()
    {
        var running = 0;
        var maxRunning = 0;
        var twoInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe
        {
            Behavior = async (_, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                if (now == 2)
                {
                    twoInside.TrySetResult();
                }

                await twoInside.Task;
                Interlocked.Decrement(ref running);
            },
        };

        await new ThrottledWorkflow(probe, new WorkflowOptions { MaxDegreeOfParallelism = 2 }).RunAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(2, maxRunning);
        Assert.Equal(5, probe.Finished.Count);
    }

    [Fact]
    public async Task The_workflows_max_parallel_is_the_default_bound()
    {
        var running = 0;
        var maxRunning = 0;
        var probe = new Probe
        {
            Behavior = async (_, _) =>
            {
                InterlockedMax(ref maxRunning, Interlocked.Increment(ref running));
                await Task.Yield();
                Interlocked.Decrement(ref running);
            },
        };

        await new OneAtATimeWorkflow(probe).RunAsync().AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(1, maxRunning);
        Assert.Equal(new[] { "a", "b", "c" }, probe.Started);
    }

    [Fact]
    public async Task A_failure_under_a_bound_skips_the_steps_still_waiting_for_their_turn()
    {
        var probe = new Probe { Behavior = (name, _) => name == "b" ? throw new InvalidOperationException("b broke") : Task.CompletedTask };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(
            () => new ThrottledWorkflow(probe, new WorkflowOptions { MaxDegreeOfParallelism = 1 }).RunAsync().AsTask().WaitAsync(s_deadlockGuard));

        Assert.Equal("b", failure.StepId);
        Assert.Equal(new[] { "a", "b" }, probe.Started);
    }

    [Fact]
    public void A_bound_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkflowOptions { MaxDegreeOfParallelism = 0 });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            Interlocked.CompareExchange(ref target, value, current);
        }
    }
}
