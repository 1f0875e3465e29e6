using System;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Metrology;

namespace Workflows.Benchmarks;

/// <summary>
/// A short job, so the whole suite runs in minutes on a 2-core machine, with more iterations than
/// BenchmarkDotNet's ShortRun (3) because the comparisons are ratios of nanosecond-scale numbers, and three
/// launches: on this machine one process's figures move by 20-40% from the next one's.
/// </summary>
/// <remarks>
/// <c>WORKFLOWS_BENCH_INPROCESS=1</c> runs the same job in this process (<see cref="InProcessEmitToolchain"/>):
/// no separate build, which timed out on the loaded machine. BenchmarkDotNet's <c>--inProcess</c> switch would
/// replace the job (and its iteration counts) by a default one; a job that names the toolchain keeps them.
/// One launch only (a process cannot be launched again in itself).
/// </remarks>
public sealed class RunTimeConfig : ManualConfig
{
    public RunTimeConfig()
    {
        AddJob(Jobs.Short(launches: 3, warmups: 5, iterations: 20));
        // Allocations in bytes, not rounded KB: the targets are stated in bytes.
        WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));
    }
}

/// <summary>Build-time operations take milliseconds to a second: fewer, longer iterations.</summary>
public sealed class BuildTimeConfig : ManualConfig
{
    public BuildTimeConfig()
    {
        AddJob(Jobs.Short(launches: 1, warmups: 3, iterations: 10));
    }
}

/// <summary>Durable runs take a millisecond or more each: one launch, fewer iterations, sizes in bytes.</summary>
public sealed class DurableConfig : ManualConfig
{
    public DurableConfig()
    {
        AddJob(Jobs.Short(launches: 1, warmups: 3, iterations: 15));
        WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));
    }
}

internal static class Jobs
{
    public static bool InProcess => Environment.GetEnvironmentVariable("WORKFLOWS_BENCH_INPROCESS") == "1";

    public static Job Short(int launches, int warmups, int iterations)
    {
        var job = Job.ShortRun.WithWarmupCount(warmups).WithIterationCount(iterations).WithId("Short");
        return InProcess
            ? job.WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance)
            : job.WithLaunchCount(launches);
    }
}
