using System;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Tests;

/// <summary>An action that fails as a test tells it to, counting its attempts.</summary>
public sealed class Flaky
{
    private int _attempts;

    public int Attempts => _attempts;

    /// <summary>What attempt N (1-based) does.</summary>
    public Func<int, CancellationToken, Task> Behavior { get; set; } = static (_, _) => Task.CompletedTask;

    [WorkflowAction("flaky.run")]
    public Task RunAsync(CancellationToken cancellationToken) => Behavior(Interlocked.Increment(ref _attempts), cancellationToken);

    [WorkflowAction("flaky.value")]
    public async Task<int> ValueAsync(CancellationToken cancellationToken)
    {
        await Behavior(Interlocked.Increment(ref _attempts), cancellationToken);
        return _attempts;
    }

    /// <summary>Fails attempts 1..<paramref name="failures"/> with <typeparamref name="TException"/>, then succeeds.</summary>
    public static Func<int, CancellationToken, Task> FailFirst<TException>(int failures)
        where TException : Exception, new()
        => (attempt, _) => attempt <= failures ? Task.FromException(new TException()) : Task.CompletedTask;
}
