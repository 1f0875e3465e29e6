using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

public sealed class FanOutTests
{
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Max_parallel_is_reached_and_never_exceeded()
    {
        // Items wait at a gate that opens only once three are inside at the same time: the run can finish
        // only if the bound is reached. MaxRunning proves it was never passed.
        var threeInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Items items = null!;
        items = new Items
        {
            Behavior = async (_, _, _) =>
            {
                if (items.Running == 3)
                {
                    threeInside.TrySetResult();
                }

                await threeInside.Task;
            },
        };

        var outputs = await new FanOutWorkflow(items).RunAsync(new FanOutWorkflow.Inputs { Count = 10 }).AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(3, items.MaxRunning);
        Assert.Equal(10, outputs.Count);
        Assert.Equal(10, items.Started.Count);
    }

    [Fact]
    public async Task Results_are_in_input_order_whatever_the_completion_order()
    {
        // Item i finishes only after item i + 1 has: they complete in reverse order.
        var finished = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var items = new Items
        {
            Behavior = async (_, position, _) =>
            {
                if (position < 2)
                {
                    await finished[position + 1].Task;
                }

                finished[position].SetResult();
            },
        };

        var outputs = await new FanOutWorkflow(items).RunAsync(new FanOutWorkflow.Inputs { Count = 3 }).AsTask().WaitAsync(s_deadlockGuard);

        Assert.Equal(new[] { "item0@0", "item1@1", "item2@2" }, outputs.Results);
    }

    [Fact]
    public async Task An_empty_collection_completes_with_an_empty_array()
    {
        var items = new Items();

        var outputs = await new FanOutWorkflow(items).RunAsync(new FanOutWorkflow.Inputs { Count = 0 });

        Assert.Empty(outputs.Results);
        Assert.Equal(0, outputs.Count);
        Assert.Empty(items.Started);
    }

    [Fact]
    public async Task A_failed_item_cancels_the_others_and_fails_the_step()
    {
        var cancelled = new ConcurrentBag<string>();
        var othersWaiting = new CountdownEvent(2);
        var items = new Items
        {
            Behavior = async (name, position, token) =>
            {
                if (position == 2)
                {
                    // Fail only once the two others are running, so that there is something to cancel.
                    await Task.Run(() => othersWaiting.Wait(token), token);
                    throw new InvalidOperationException("item2 is broken");
                }

                othersWaiting.Signal();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    cancelled.Add(name);
                    throw;
                }
            },
        };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(
            () => new FanOutWorkflow(items).RunWithReportAsync(new FanOutWorkflow.Inputs { Count = 3 }).AsTask().WaitAsync(s_deadlockGuard));

        Assert.Equal("process", failure.StepId);
        var items2 = Assert.IsType<ForEachFailedException>(failure.InnerException);
        Assert.Equal(new[] { 2 }, items2.FailedItems);
        Assert.Equal("item2 is broken", items2.Failures[0].Exception.Message);
        Assert.Equal(new[] { "item0", "item1" }, cancelled.Order());
        Assert.Equal(new[] { 2 }, failure.Report!["process"].FailedItems);
    }

    [Fact]
    public async Task Under_on_error_continue_every_item_runs_and_the_failed_ones_are_listed()
    {
        var probe = new Probe();
        var items = new Items
        {
            Behavior = (_, position, _) => position is 1 or 3 ? throw new InvalidOperationException("bad " + position) : Task.CompletedTask,
        };

        var result = await new FanOutContinueWorkflow(items, probe).RunWithReportAsync();

        Assert.Equal(5, items.Started.Count);
        var process = result.Report["process"];
        Assert.Equal(StepStatus.Failed, process.Status);
        Assert.Equal(new[] { 1, 3 }, process.FailedItems);
        Assert.Equal(WorkflowRunStatus.Succeeded, result.Report.Status);
        Assert.Equal(new[] { "after-failure" }, probe.Finished);
        Assert.InRange(items.MaxRunning, 1, 2); // the workflow's max_parallel: 2
    }

    [Fact]
    public async Task Each_item_retries_on_its_own_and_gets_its_step_context()
    {
        var items = new Items();

        var outputs = await new FanOutRetryWorkflow(items).RunAsync(new FanOutRetryWorkflow.Inputs { Names = new[] { "a", "flaky-b", "c" } });

        Assert.Equal(new[] { "a#1@0", "flaky-b#2@1", "c#1@2" }, outputs.Results);
        Assert.Equal(2, items.Attempts["flaky-b"]);
        Assert.Equal(1, items.Attempts["a"]);
    }

    [Fact]
    public async Task The_options_bound_applies_to_items_when_the_step_sets_none()
    {
        // fan-out-continue has max_parallel: 2 at the workflow level; the options' 1 wins.
        var items = new Items();
        var options = new WorkflowOptions { MaxDegreeOfParallelism = 1 };

        await new FanOutContinueWorkflow(items, new Probe(), options).RunAsync();

        Assert.Equal(1, items.MaxRunning);
        Assert.Equal(new[] { "item0", "item1", "item2", "item3", "item4" }, items.Started);
    }
}
