using System.Linq;
using Xunit;

namespace Workflows.Tests;

/// <summary>The dry run: Plan(inputs) evaluates what it can and calls no action (it is static: there is nothing to call).</summary>
public sealed class PlanTests
{
    [Fact]
    public void A_condition_on_inputs_is_decided_and_its_dependents_follow()
    {
        var plan = PlanWorkflow.Plan(new PlanWorkflow.Inputs { Fast = false });

        Assert.Equal(
            new bool?[] { true, false, false, null, true },
            plan.Steps.Select(s => s.WillRun).ToArray());
        Assert.Equal(new[] { "a", "b" }, plan.Batches[0].Select(s => s.Id).ToArray());
    }

    [Fact]
    public void With_other_inputs_the_plan_changes()
    {
        var plan = PlanWorkflow.Plan(new PlanWorkflow.Inputs { Fast = true });

        Assert.Equal(new bool?[] { true, true, true, null, true }, plan.Steps.Select(s => s.WillRun).ToArray());
    }

    [Fact]
    public void Conditions_on_step_outputs_are_unknown_before_the_run()
    {
        var plan = OrderFulfillmentWorkflow.Plan(new OrderFulfillmentWorkflow.Inputs { OrderId = "x" });

        Assert.Equal(new bool?[] { true, null, null, true }, plan.Steps.Select(s => s.WillRun).ToArray());
    }
}
