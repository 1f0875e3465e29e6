using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Metrology;

namespace Workflows.Benchmarks;

/// <summary>
/// A short job, so the whole suite runs in minutes on a 2-core machine, with more iterations than
/// BenchmarkDotNet's ShortRun (3) because the comparisons are ratios of nanosecond-scale numbers, and three
/// launches: on this machine one process's figures move by 20-40% from the next one's.
/// </summary>
public sealed class RunTimeConfig : ManualConfig
{
    public RunTimeConfig()
    {
        AddJob(Job.ShortRun.WithLaunchCount(3).WithWarmupCount(5).WithIterationCount(20).WithId("Short"));
        // Allocations in bytes, not rounded KB: the targets are stated in bytes.
        WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));
    }
}

/// <summary>Build-time operations take milliseconds to a second: fewer, longer iterations.</summary>
public sealed class BuildTimeConfig : ManualConfig
{
    public BuildTimeConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(10).WithId("Short"));
    }
}
