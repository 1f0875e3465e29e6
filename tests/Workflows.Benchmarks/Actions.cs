using System.Threading.Tasks;

namespace Workflows.Benchmarks;

/// <summary>The actions of the benchmark workflows. The three contenders call exactly these methods.</summary>
public static class BenchActions
{
    /// <summary>Touched by every no-op, so no call can be removed as dead code.</summary>
    public static int Counter;

    [WorkflowAction("bench.noop")]
    public static void Noop() => Counter++;

    [WorkflowAction("bench.yield")]
    public static async Task YieldAsync() => await Task.Yield();
}
