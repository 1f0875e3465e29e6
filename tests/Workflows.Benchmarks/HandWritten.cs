using System.Threading.Tasks;
using static Workflows.Benchmarks.BenchActions;

namespace Workflows.Benchmarks;

/// <summary>
/// What a developer would write by hand for each workload, calling the same action methods: the limit.
/// Synchronous actions are simply called in dependency order (there is nothing to run concurrently);
/// asynchronous ones are awaited in sequence, with <see cref="Task.WhenAll(Task[])"/> for the fan-out.
/// </summary>
public static class HandWritten
{
#pragma warning disable CS1998 // Synchronous actions: the async methods complete without awaiting, like the generated ones.
    public static async ValueTask ChainAsync()
    {
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
    }

    public static async ValueTask WideAsync()
    {
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop();
    }

    public static async ValueTask LayeredAsync()
    {
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 1
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 2
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 3
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 4
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 5
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 6
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 7
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 8
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 9
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 10
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 11
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 12
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 13
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 14
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 15
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 16
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 17
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 18
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 19
        Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); Noop(); // layer 20
    }
#pragma warning restore CS1998

    public static async Task DiamondAsync()
    {
        await YieldAsync().ConfigureAwait(false);
        await Task.WhenAll(
            YieldAsync(), YieldAsync(), YieldAsync(), YieldAsync(),
            YieldAsync(), YieldAsync(), YieldAsync(), YieldAsync()).ConfigureAwait(false);
        await YieldAsync().ConfigureAwait(false);
    }
}
