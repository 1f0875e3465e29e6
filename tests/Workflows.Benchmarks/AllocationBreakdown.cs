using System;
using System.Threading.Tasks;
using Workflows.Durability;

namespace Workflows.Benchmarks;

/// <summary>
/// <c>-- breakdown</c>: the bytes each store operation of a durable run allocates on SQLite, one at a time (exact:
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/> around 2000 calls after a warm-up), to see where a run's start and
/// end and a checkpoint spend them. Not a BenchmarkDotNet benchmark: a diagnostic.
/// </summary>
internal static class AllocationBreakdown
{
    public static async Task RunAsync()
    {
        using var stores = DurableStores.Create();
        var store = stores.Sqlite;
        const int Calls = 2000;
        var owner = "bench-owner";
        var now = DateTimeOffset.UtcNow;
        var lease = now.AddMinutes(10);
        var id = 0;
        for (var round = 0; round < 2; round++)
        {
            var ids = new string[Calls];
            for (var i = 0; i < Calls; i++)
            {
                ids[i] = "breakdown-" + id++;
            }

            var runs = new NewRun[Calls];
            for (var i = 0; i < Calls; i++)
            {
                runs[i] = new NewRun(ids[i], "wf", "hash", null, now);
            }

            var steps = new StepRecord[Calls][];
            for (var i = 0; i < Calls; i++)
            {
                steps[i] = [new StepRecord(ids[i], "s1", -1, "sig", 1, StepStatus.Succeeded, "2", null, now, now)];
            }

            var events = new RunEvent[Calls];
            for (var i = 0; i < Calls; i++)
            {
                events[i] = new RunEvent(ids[i], 0, now, "succeeded", null, null);
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var cpu = Environment.CpuUsage.TotalTime;
            var start = Measure();
            for (var i = 0; i < Calls; i++)
            {
                await store.StartRunAsync(runs[i], owner, lease);
            }

            var afterStart = Measure();
            var startTime = clock.Elapsed;
            var cpuAfterStart = Environment.CpuUsage.TotalTime;
            for (var i = 0; i < Calls; i++)
            {
                await store.RecordStepsAsync(ids[i], owner, steps[i]);
            }

            var afterRecord = Measure();
            var recordTime = clock.Elapsed - startTime;
            var recordCpu = Environment.CpuUsage.TotalTime - cpuAfterStart;
            for (var i = 0; i < Calls; i++)
            {
                await store.CompleteRunAsync(ids[i], owner, RunStatus.Succeeded, null, null);
            }

            var afterComplete = Measure();
            for (var i = 0; i < Calls; i++)
            {
                await store.AppendEventAsync(events[i]);
            }

            var afterEvent = Measure();
            if (round == 1)
            {
                Console.WriteLine($"StartRunAsync     {(afterStart - start) / Calls,8} B");
                Console.WriteLine($"RecordStepsAsync  {(afterRecord - afterStart) / Calls,8} B, {recordTime.TotalMicroseconds / Calls:F1} µs wall, {recordCpu.TotalMicroseconds / Calls:F1} µs CPU (process) per call");
                Console.WriteLine($"CompleteRunAsync  {(afterComplete - afterRecord) / Calls,8} B");
                Console.WriteLine($"AppendEventAsync  {(afterEvent - afterComplete) / Calls,8} B");
            }
        }
    }

    private static long Measure() => GC.GetTotalAllocatedBytes(precise: true);
}
