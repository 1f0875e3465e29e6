using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

/// <summary>Typed inputs, step outputs flowing through expressions, conditions and always().</summary>
public sealed class DataFlowTests
{
    [Fact]
    public async Task Outputs_flow_between_steps_and_into_the_workflow_outputs()
    {
        var actions = new OrderActions();

        var outputs = await new OrderFulfillmentWorkflow(actions).RunAsync(new OrderFulfillmentWorkflow.Inputs { OrderId = "o-1", Note = "vip" });

        Assert.Equal(
            new[] { "load o-1", "charge c-7 42.50", "notify order o-1 charged 42.50 to Ada (2)", "audit vip: r-c-7" },
            actions.Log);
        Assert.Equal("r-c-7", outputs.Receipt);
        Assert.Equal(2, outputs.Lines);
        Assert.Equal("vip: r-c-7", outputs.Audit);
    }

    [Fact]
    public async Task A_false_condition_skips_the_step_and_its_dependents_but_always_brings_a_step_back()
    {
        var actions = new OrderActions();

        var outputs = await new OrderFulfillmentWorkflow(actions).RunAsync(new OrderFulfillmentWorkflow.Inputs { OrderId = "free" });

        // charge is skipped (total 0), so notify (which reads it) is skipped; audit calls always() and runs,
        // using the ?? fallbacks for the skipped step and the absent optional input.
        Assert.Equal(new[] { "load free", "audit no note: not charged" }, actions.Log);
        Assert.Equal("none", outputs.Receipt);
        Assert.Equal("no note: not charged", outputs.Audit);
    }

    [Fact]
    public async Task Input_defaults_apply_and_conditions_read_inputs()
    {
        var actions = new OrderActions();

        await new OrderFulfillmentWorkflow(actions).RunAsync(new OrderFulfillmentWorkflow.Inputs { OrderId = "o-2", Minimum = 100m });

        Assert.Equal(0m, new OrderFulfillmentWorkflow.Inputs { OrderId = "x" }.Minimum);
        Assert.DoesNotContain(actions.Log, entry => entry.StartsWith("charge", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Reading_a_step_makes_it_a_dependency()
        => Assert.Equal(
            new[] { new[] { "load" }, new[] { "charge" }, new[] { "notify" }, new[] { "audit" } },
            System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(OrderFulfillmentWorkflow.Descriptor.Batches, b => System.Linq.Enumerable.ToArray(b))));
}

public sealed class ConcurrentDataFlowTests
{
    [Fact]
    public async Task A_concurrent_workflow_returns_outputs_computed_from_parallel_steps()
    {
        var outputs = await new PricingWorkflow().RunAsync(new PricingWorkflow.Inputs { Base = 10 });

        Assert.Equal(18, outputs.Total);
        Assert.Equal("total 18 from 11 and 7", outputs.Label);
        Assert.Equal("\"18\\u0022\"", outputs.Json);
        Assert.Equal(2, PricingWorkflow.Descriptor.Batches[0].Count);
    }

    [Fact]
    public async Task A_cancelled_token_surfaces_as_cancellation_with_outputs_too()
        => await Assert.ThrowsAnyAsync<System.OperationCanceledException>(
            () => new PricingWorkflow().RunAsync(new PricingWorkflow.Inputs { Base = 1 }, new System.Threading.CancellationToken(canceled: true)).AsTask());

    [Fact]
    public async Task Missing_inputs_are_rejected()
        => await Assert.ThrowsAsync<System.ArgumentNullException>(() => new PricingWorkflow().RunAsync(null!).AsTask());
}
