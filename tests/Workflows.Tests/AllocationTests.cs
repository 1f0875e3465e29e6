using System;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// A guard, not a benchmark: a run whose actions all complete synchronously allocates nothing.
/// (Speed and memory figures live in tests/Workflows.Benchmarks.)
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class AllocationTests
{
    [Fact]
    public void A_synchronous_sequential_run_allocates_nothing()
    {
        var workflow = new SyncChainWorkflow();
        for (var i = 0; i < 10; i++)
        {
            Run(workflow); // warm up: JIT and tiering allocate
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Run(workflow);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void History_without_a_store_records_nothing_and_allocates_nothing()
    {
        // History is kept in the store: without one there is nothing to record, so no recorder either.
        var workflow = new SyncChainWorkflow(new WorkflowOptions { History = true });
        for (var i = 0; i < 10; i++)
        {
            Run(workflow);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Run(workflow);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_synchronous_dag_runs_in_order_and_allocates_nothing()
    {
        // Its batches hold several steps, but every action is synchronous: the steps run one after another.
        Assert.Contains(SyncDiamondWorkflow.Descriptor.Batches, batch => batch.Count > 1);
        var workflow = new SyncDiamondWorkflow();
        for (var i = 0; i < 10; i++)
        {
            Run(workflow);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Run(workflow);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Run(SyncDiamondWorkflow workflow)
    {
        var run = workflow.RunAsync();
        Assert.True(run.IsCompletedSuccessfully);
        run.GetAwaiter().GetResult();
    }

    private static void Run(SyncChainWorkflow workflow)
    {
        var run = workflow.RunAsync();
        Assert.True(run.IsCompletedSuccessfully);
        run.GetAwaiter().GetResult();
    }
}
