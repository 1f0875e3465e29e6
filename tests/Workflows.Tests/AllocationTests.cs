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
    public void A_synchronous_concurrent_run_allocates_only_its_run_state()
    {
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

        // One object per run: the nested Run class, which is also the run's CancellationTokenSource.
        // No Task, no state machine box, no linked token source.
        var perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.InRange(perRun, 1, 152); // 144 bytes on x64 today (136 before the MaxDegreeOfParallelism throttle field)
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
