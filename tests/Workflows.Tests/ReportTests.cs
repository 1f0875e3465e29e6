using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

/// <summary>on_error: continue with failure(), and the run report of RunWithReportAsync.</summary>
public sealed class ReportTests
{
    [Fact]
    public async Task A_step_that_may_fail_lets_the_run_go_on_and_failure_steps_react()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<InvalidOperationException>(1) };
        var probe = new Probe();

        var result = await new ContinueOnErrorWorkflow(flaky, probe).RunWithReportAsync();

        Assert.Equal(new[] { "cleanup", "finally" }, probe.Started.Order().ToArray());
        var report = result.Report;
        Assert.Equal(WorkflowRunStatus.Succeeded, report.Status);
        Assert.Equal(StepStatus.Failed, report["risky"].Status);
        Assert.IsType<InvalidOperationException>(report["risky"].Exception);
        Assert.Equal(StepStatus.Skipped, report["after-risky"].Status);
        Assert.Equal(StepStatus.Succeeded, report["cleanup"].Status);
        Assert.Equal(StepStatus.Succeeded, report["finally"].Status);
    }

    [Fact]
    public async Task When_the_step_succeeds_failure_steps_are_skipped()
    {
        var probe = new Probe();

        var result = await new ContinueOnErrorWorkflow(new Flaky(), probe).RunWithReportAsync();

        Assert.Equal(new[] { "after-risky", "finally" }, probe.Started.Order().ToArray());
        Assert.Equal(StepStatus.Skipped, result.Report["cleanup"].Status);
        Assert.Equal(1, result.Report["risky"].Attempts);
    }

    [Fact]
    public async Task A_failed_run_carries_its_report_on_the_exception()
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
                        await Task.Delay(Timeout.Infinite, token);
                        break;
                    case "boom":
                        await siblingRunning.Task;
                        throw new InvalidOperationException("boom failed");
                }
            },
        };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new FailingWorkflow(probe).RunWithReportAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        var report = Assert.IsType<WorkflowRunReport>(failure.Report);
        Assert.Equal(WorkflowRunStatus.Failed, report.Status);
        Assert.Equal(StepStatus.Succeeded, report["first"].Status);
        Assert.Equal(StepStatus.Failed, report["boom"].Status);
        Assert.Equal("boom failed", report["boom"].Exception!.Message);
        Assert.Equal(StepStatus.Cancelled, report["sibling"].Status);
        Assert.Equal(StepStatus.Cancelled, report["never"].Status);
        Assert.NotNull(report["first"].StartedAt);
        Assert.True(report["first"].CompletedAt >= report["first"].StartedAt);
        Assert.NotNull(report.CompletedAt);
    }

    [Fact]
    public async Task Skipped_steps_and_outputs_appear_in_the_report_of_a_sequential_run()
    {
        var result = await new OrderFulfillmentWorkflow(new OrderActions()).RunWithReportAsync(new OrderFulfillmentWorkflow.Inputs { OrderId = "free" });

        Assert.Equal("none", result.Outputs.Receipt);
        Assert.Equal(
            new[] { StepStatus.Succeeded, StepStatus.Skipped, StepStatus.Skipped, StepStatus.Succeeded },
            result.Report.Steps.Select(s => s.Status).ToArray());
        Assert.Null(result.Report["charge"].StartedAt);
    }

    [Fact]
    public async Task Caller_cancellation_between_retries_stops_a_reported_run()
    {
        var time = new ManualTimeProvider();
        var flaky = new Flaky { Behavior = Flaky.FailFirst<TimeoutException>(10) };
        using var cancellation = new CancellationTokenSource();

        var run = new RetryConstantWorkflow(flaky, new WorkflowOptions { TimeProvider = time }).RunWithReportAsync(cancellation.Token).AsTask();
        await time.WaitForPendingAsync();
        time.Advance(TimeSpan.FromMilliseconds(200)); // second attempt fails too
        await time.WaitForPendingAsync();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, flaky.Attempts);
    }

    [Fact]
    public async Task A_successful_concurrent_run_reports_every_step_succeeded()
    {
        var result = await new PricingWorkflow().RunWithReportAsync(new PricingWorkflow.Inputs { Base = 1 });

        Assert.Equal(WorkflowRunStatus.Succeeded, result.Report.Status);
        Assert.All(result.Report.Steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.Equal(new[] { "left", "right", "sum" }, result.Report.Steps.Select(s => s.Id).ToArray());
    }
}

public sealed class OutcomeTests
{
    [Theory]
    [InlineData(0, "risky: success")]
    [InlineData(1, "risky: failure")]
    public async Task An_always_step_reads_the_outcome_of_a_step_that_may_fail(int failures, string expected)
    {
        var probe = new Probe();

        await new OutcomeWorkflow(new Flaky { Behavior = Flaky.FailFirst<InvalidOperationException>(failures) }, probe).RunAsync();

        Assert.Equal(new[] { expected }, probe.Started);
    }

    [Fact]
    public async Task Parallel_steps_that_both_fail_are_both_reported()
    {
        // Both pass the barrier before either throws, so neither sees the other's cancellation first.
        var arrived = 0;
        var bothArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new Probe
        {
            Behavior = async (name, _) =>
            {
                if (Interlocked.Increment(ref arrived) == 2)
                {
                    bothArrived.SetResult();
                }

                await bothArrived.Task;
                throw new InvalidOperationException(name + " failed");
            },
        };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new TwoFailuresWorkflow(probe).RunAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(new[] { "left", "right" }, failure.AllFailures.Select(f => f.StepId).Order().ToArray());
    }
}
