using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Workflows.Benchmarks.Interpreter;

namespace Workflows.Benchmarks;

/// <summary>
/// <c>-- diamond-cpu</c>: the diamond's three contenders run one after another, 100,000 runs per round after 50,000 to warm up, five rounds
/// each, interleaved; prints wall and process CPU time per run. On a loaded machine the wall time of a run of ten
/// thread-pool hops is mostly waiting for a core; CPU time is closer to the work each contender does.
/// </summary>
internal static class DiamondCpu
{
    public static async Task RunAsync()
    {
        var workflow = new DiamondWorkflow();
        var interpreter = WorkflowInterpreter.LoadEmbedded("diamond.workflow.yaml");
        var contenders = new (string Name, Func<Task> Run)[]
        {
            ("hand-written", () => HandWritten.DiamondAsync()),
            ("generated", () => workflow.RunAsync().AsTask()),
            ("interpreter", () => interpreter.RunAsync()),
        };
        const int Runs = 100_000;
        foreach (var (_, run) in contenders)
        {
            for (var i = 0; i < 50_000; i++)
            {
                await run();
            }
        }

        for (var round = 1; round <= 5; round++)
        {
            foreach (var (name, run) in contenders)
            {
                var cpu = Environment.CpuUsage.TotalTime;
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < Runs; i++)
                {
                    await run();
                }

                var wall = clock.Elapsed;
                var used = Environment.CpuUsage.TotalTime - cpu;
                Console.WriteLine($"round {round} {name,-13} wall {wall.TotalMicroseconds / Runs,7:F2} µs   CPU {used.TotalMicroseconds / Runs,7:F2} µs per run");
            }
        }
    }
}
