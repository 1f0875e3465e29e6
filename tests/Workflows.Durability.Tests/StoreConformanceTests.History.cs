using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>The history of runs that are not durable (<see cref="WorkflowOptions.History"/>), on every store.</summary>
public abstract partial class StoreConformanceTests
{
    private static SteeringActions FreeActions()
    {
        var actions = new SteeringActions();
        actions.Free["one"] = true;
        actions.Free["two"] = true;
        return actions;
    }

    [StoreFact]
    public async Task A_run_that_is_not_durable_leaves_its_history_when_asked()
    {
        var options = new WorkflowOptions { Store = Store, History = true, Owner = "cli" };

        await new PlainWorkflow(FreeActions(), options).RunAsync(new PlainWorkflow.Inputs());
        await Assert.ThrowsAsync<WorkflowFailedException>(() => new PlainWorkflow(FreeActions(), options).RunAsync(new PlainWorkflow.Inputs { FailAt = "two" }).AsTask());

        var runs = await new WorkflowRuns(Store).ListAsync(new RunQuery(WorkflowName: "plain"));
        Assert.Equal(2, runs.Count);
        var failed = runs.Single(r => r.Status == RunStatus.Failed);
        var succeeded = runs.Single(r => r.Status == RunStatus.Succeeded);
        Assert.Contains("step two failed on purpose", failed.Error);
        Assert.Null(succeeded.InputsJson);
        Assert.Null(succeeded.Owner);
        Assert.Equal(["one", "two"], (await Store.GetStepsAsync(succeeded.RunId)).Select(s => s.StepId));
        var steps = await Store.GetStepsAsync(failed.RunId);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Failed], steps.Select(s => s.Status));
        Assert.Contains("step two failed on purpose", steps[1].Error);
        Assert.Equal("steer.step", steps[1].Signature);

        // Nothing of it can be continued: it was never checkpointed, and says so.
        Assert.All(runs, run => Assert.Equal(WorkflowRuns.HistoryOnlyHash, run.DefinitionHash));
        Assert.False(await new WorkflowRuns(Store).RetryAsync(failed.RunId));
    }

    [StoreFact]
    public async Task Failed_and_skipped_steps_are_recorded_with_their_error_or_reason()
    {
        var actions = new SteeringActions();
        foreach (var step in new[] { "one", "two", "three" })
        {
            actions.Free[step] = true;
        }

        await new SkipsWorkflow(actions, new WorkflowOptions { Store = Store }).RunDurableAsync(new SkipsWorkflow.Inputs(), "k1");

        var steps = (await Store.GetStepsAsync("k1")).ToDictionary(s => s.StepId);
        Assert.Equal(StepStatus.Failed, steps["one"].Status);
        Assert.Contains("step one failed on purpose", steps["one"].Error);
        Assert.Equal(StepStatus.Skipped, steps["two"].Status);
        Assert.Equal("skipped: step 'one', which it needs, failed", steps["two"].Error);
        Assert.Equal(StepStatus.Skipped, steps["three"].Status);
        Assert.Equal("skipped: its if: condition was false", steps["three"].Error);
    }

    [StoreFact]
    public async Task Without_history_a_run_that_is_not_durable_leaves_nothing()
    {
        await new PlainWorkflow(FreeActions(), new WorkflowOptions { Store = Store }).RunAsync(new PlainWorkflow.Inputs());

        Assert.Empty(await Store.ListRunsAsync(new RunQuery()));
    }
}
