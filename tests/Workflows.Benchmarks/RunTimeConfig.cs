using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Workflows.Benchmarks;

/// <summary>
/// A short job, so the whole suite runs in minutes on a 2-core machine, with a few more iterations than
/// BenchmarkDotNet's ShortRun (3) because the comparisons are ratios of nanosecond-scale numbers.
/// </summary>
public sealed class RunTimeConfig : ManualConfig
{
    public RunTimeConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(5).WithIterationCount(10).WithId("Short"));
    }
}
