using BenchmarkDotNet.Running;

namespace Workflows.Benchmarks;

public static class Program
{
    // dotnet run -c Release --project tests/Workflows.Benchmarks -- --filter '*'
    // dotnet run -c Release --project tests/Workflows.Benchmarks -- breakdown   (bytes per store operation)
    public static void Main(string[] args)
    {
        if (args is ["breakdown"])
        {
            AllocationBreakdown.RunAsync().GetAwaiter().GetResult();
            return;
        }

        // dotnet run -c Release --project tests/Workflows.Benchmarks -- diamond-cpu   (wall and CPU time per diamond run)
        if (args is ["diamond-cpu"])
        {
            DiamondCpu.RunAsync().GetAwaiter().GetResult();
            return;
        }

        // dotnet run -c Release --project tests/Workflows.Benchmarks -- checkpoint-floor   (SQLite's own commit, the floor of a checkpoint)
        if (args is ["checkpoint-floor"])
        {
            CheckpointFloor.Run();
            return;
        }

        // dotnet run -c Release --project tests/Workflows.Benchmarks -- pool   (enqueue-to-first-step latency, runs/s with 1, 2, 4 worker processes on PostgreSQL)
        if (args is ["pool", ..])
        {
            PoolBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
            return;
        }

        // dotnet run -c Release --project tests/Workflows.Benchmarks -- inflight-ab [runs]   (PostgreSQL, 10 runs or [runs]: 1, 2 and 4 step writes in flight)
        if (args is ["inflight-ab", ..])
        {
            InFlightAb.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
