using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

/// <summary>Sagas: completed steps are undone in reverse completion order, then on_failure steps run.</summary>
public sealed class CompensationTests
{
    [Fact]
    public async Task A_failure_undoes_completed_steps_last_first_then_runs_on_failure()
    {
        var saga = new Saga { FailOn = { "ship" } };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new SagaWorkflow(saga).RunWithReportAsync().AsTask());

        Assert.Equal(
            new[] { "do reserve", "do charge", "undo charge r-charge", "undo reserve r-reserve", "alert failed: ship (ship broke)" },
            saga.Log);
        Assert.Equal("ship", failure.StepId);
        Assert.Empty(failure.CleanupFailures);
        var report = failure.Report!;
        Assert.Equal(StepStatus.Compensated, report["reserve"].Status);
        Assert.Equal(StepStatus.Compensated, report["charge"].Status);
        Assert.Equal(StepStatus.Failed, report["ship"].Status);
    }

    [Fact]
    public async Task A_failing_compensation_is_recorded_and_the_others_still_run()
    {
        var saga = new Saga { FailOn = { "ship" }, UndoFailOn = { "charge" } };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new SagaWorkflow(saga).RunAsync().AsTask());

        Assert.Contains("undo reserve r-reserve", saga.Log);
        var cleanup = Assert.Single(failure.CleanupFailures);
        Assert.Equal(("charge", WorkflowCleanupKind.Compensation), (cleanup.StepId, cleanup.Kind));
        Assert.Equal("undo charge broke", cleanup.Exception.Message);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public async Task A_failing_on_failure_step_is_recorded_without_hiding_the_original_failure()
    {
        var saga = new Saga { FailOn = { "charge", "alert" } };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new SagaWorkflow(saga).RunAsync().AsTask());

        Assert.Equal("charge", failure.StepId);
        Assert.Equal(new[] { "do reserve", "undo reserve r-reserve" }, saga.Log);
        Assert.Equal(("alert", WorkflowCleanupKind.OnFailure), (failure.CleanupFailures[0].StepId, failure.CleanupFailures[0].Kind));
    }

    [Fact]
    public async Task A_successful_run_undoes_nothing()
    {
        var saga = new Saga();

        await new SagaWorkflow(saga).RunAsync();

        Assert.Equal(new[] { "do reserve", "do charge", "do ship" }, saga.Log);
    }

    [Fact]
    public async Task Parallel_steps_are_undone_in_reverse_completion_order()
    {
        // b completes before a (a waits for b), then c fails: a is undone first.
        var saga = new Saga { FailOn = { "c" } };
        var bDone = saga.Done.GetOrAdd("b", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        saga.WaitFor["a"] = bDone.Task;

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new ParallelSagaWorkflow(saga).RunWithReportAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(new[] { "do b", "do a", "undo a r-a", "undo b r-b" }, saga.Log);
        Assert.Equal("c", failure.StepId);
        Assert.All(new[] { "a", "b" }, id => Assert.Equal(StepStatus.Compensated, failure.Report![id].Status));
    }
}
