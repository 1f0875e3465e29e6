using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Workflows.Benchmarks;

/// <summary>
/// Checkpoints per second of 10 (or N) concurrent 10-step durable runs on PostgreSQL with one, two and four step writes
/// in flight, alternating in one process, so both see the same machine load (which moves the figures 2× between runs).
/// </summary>
public static class InFlightAb
{
    public static async Task RunAsync(int concurrentRuns)
    {
        using var stores = DurableStores.Create();
        var workflow = new DurableChainWorkflow(new WorkflowOptions { Store = stores.Postgres });
        var Runs = concurrentRuns;
        var Operations = concurrentRuns >= 100 ? 4 : 15;
        var runs = new ValueTask[Runs];
        long id = 0;

        async Task<double> MeasureAsync(int inFlight)
        {
            stores.Postgres.StepCommits.MaxInFlight = inFlight;
            var clock = Stopwatch.StartNew();
            for (var op = 0; op < Operations; op++)
            {
                for (var i = 0; i < Runs; i++)
                {
                    runs[i] = workflow.RunDurableAsync("ab-" + ++id);
                }

                foreach (var run in runs)
                {
                    await run.ConfigureAwait(false);
                }
            }

            return Runs * 10 * Operations / clock.Elapsed.TotalSeconds;
        }

        int[] bounds = [1, 2, 4];
        foreach (var bound in bounds)
        {
            await MeasureAsync(bound); // warm up
        }

        for (var round = 1; round <= 8; round++)
        {
            // Rotate which goes first, so a trend in the load favours none.
            var figures = new double[bounds.Length];
            for (var k = 0; k < bounds.Length; k++)
            {
                var index = (k + round) % bounds.Length;
                figures[index] = await MeasureAsync(bounds[index]);
            }

            Console.WriteLine($"round {round}: 1 in flight {figures[0],5:F0} cp/s, 2: {figures[1],5:F0} ({figures[1] / figures[0]:F2}x), 4: {figures[2],5:F0} ({figures[2] / figures[0]:F2}x)");
        }
    }
}
