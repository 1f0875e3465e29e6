using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Tests;

/// <summary>Actions of the fan-out and sub-workflow tests; each test decides what an item does.</summary>
public sealed class Items
{
    private int _running;
    private int _maxRunning;

    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentDictionary<string, int> Attempts { get; } = new();

    public Func<string, int, CancellationToken, Task> Behavior { get; set; } = static (_, _, _) => Task.CompletedTask;

    /// <summary>How many items ran at once, at most.</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>Items currently inside <see cref="ProcessAsync"/>.</summary>
    public int Running => Volatile.Read(ref _running);

    [WorkflowAction("items.list")]
    public static string[] List(int count) => Enumerable.Range(0, count).Select(i => "item" + i).ToArray();

    [WorkflowAction("items.process")]
    public async Task<string> ProcessAsync(string name, int position, CancellationToken cancellationToken)
    {
        Started.Enqueue(name);
        var running = Interlocked.Increment(ref _running);
        for (var max = Volatile.Read(ref _maxRunning); running > max; max = Volatile.Read(ref _maxRunning))
        {
            Interlocked.CompareExchange(ref _maxRunning, running, max);
        }

        try
        {
            await Behavior(name, position, cancellationToken);
            return name + "@" + position;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Fails the first attempt for every name that starts with "flaky".</summary>
    [WorkflowAction("items.flaky")]
    public string Flaky(string name, StepContext context)
    {
        Attempts.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (name.StartsWith("flaky", StringComparison.Ordinal) && context.Attempt == 1)
        {
            throw new TimeoutException(name + " timed out");
        }

        return $"{name}#{context.Attempt}@{context.ItemIndex}";
    }

    [WorkflowAction("items.label")]
    public static string Label(string orderId, bool express) => (express ? "EXP-" : "STD-") + orderId;
}
