using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

public sealed class SubWorkflowTests
{
    private static readonly TimeSpan s_deadlockGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_step_runs_another_workflow_with_typed_inputs_and_outputs()
    {
        var probe = new Probe();

        var outputs = await new FulfilOrdersWorkflow(probe).RunAsync(new FulfilOrdersWorkflow.Inputs { Orders = new[] { "o1", "o2", "o3" } });

        Assert.Equal("EXP-o1", outputs.First);
        Assert.Equal(new[] { "STD-o1", "STD-o2", "STD-o3" }, outputs.All.Select(o => o.Tracking));
        Assert.Equal(4, probe.Finished.Count(n => n.StartsWith("pack-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_run_report_nests_the_called_workflows_report()
    {
        var probe = new Probe();

        var result = await new FulfilOrdersWorkflow(probe).RunWithReportAsync(new FulfilOrdersWorkflow.Inputs { Orders = new[] { "o1" } });

        var nested = result.Report["first"].Workflow;
        Assert.NotNull(nested);
        Assert.Equal("ship-order", nested.WorkflowName);
        Assert.Equal(WorkflowRunStatus.Succeeded, nested.Status);
        Assert.Equal(new[] { StepStatus.Succeeded, StepStatus.Succeeded }, nested.Steps.Select(s => s.Status));
        Assert.Null(result.Report["each"].Workflow);
        Assert.Single(result.Report["each"].ItemWorkflows);
    }

    [Fact]
    public async Task A_fan_out_of_workflows_reports_each_item_run()
    {
        var result = await new FulfilOrdersWorkflow(new Probe()).RunWithReportAsync(new FulfilOrdersWorkflow.Inputs { Orders = new[] { "o1", "o2", "o3" } });

        var items = result.Report["each"].ItemWorkflows;
        Assert.Equal(3, items.Count);
        Assert.All(items, report => Assert.Equal(WorkflowRunStatus.Succeeded, report.Status));
        Assert.All(items, report => Assert.Equal("ship-order", report.WorkflowName));
    }

    [Fact]
    public async Task A_failure_inside_the_called_workflow_fails_the_calling_step()
    {
        var probe = new Probe
        {
            Behavior = (name, _) => name == "pack-bad" ? throw new InvalidOperationException("no box for bad") : Task.CompletedTask,
        };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(
            () => new FulfilOrdersWorkflow(probe).RunWithReportAsync(new FulfilOrdersWorkflow.Inputs { Orders = new[] { "bad" } }).AsTask());

        Assert.Equal("fulfil-orders", failure.WorkflowName);
        Assert.Equal("first", failure.StepId);
        var inner = Assert.IsType<WorkflowFailedException>(failure.InnerException);
        Assert.Equal("ship-order", inner.WorkflowName);
        Assert.Equal("pack", inner.StepId);
        Assert.Equal(WorkflowRunStatus.Failed, failure.Report!["first"].Workflow!.Status);
        Assert.Equal(StepStatus.Cancelled, failure.Report["each"].Status);
    }

    [Fact]
    public async Task Cancellation_reaches_the_actions_of_the_called_workflow()
    {
        using var cancellation = new CancellationTokenSource();
        var packing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe
        {
            Behavior = async (name, token) =>
            {
                packing.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
            },
        };

        var run = new FulfilOrdersWorkflow(probe).RunAsync(new FulfilOrdersWorkflow.Inputs { Orders = new[] { "o1" } }, cancellation.Token).AsTask();
        await packing.Task.WaitAsync(s_deadlockGuard);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(s_deadlockGuard));
        Assert.True(probe.Tokens["pack-o1"].IsCancellationRequested);
    }
}
