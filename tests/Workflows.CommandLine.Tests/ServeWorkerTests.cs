using System;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Workflows.Durability;
using Xunit;

namespace Workflows.CommandLine.Tests;

/// <summary><c>serve</c> is a worker: it runs pending durable runs, at most <c>--max-concurrent-runs</c> at once.</summary>
public sealed class ServeWorkerTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Serve_runs_pending_runs_claiming_no_more_than_max_concurrent_runs()
    {
        foreach (var id in new[] { "p1", "p2", "p3" })
        {
            await _cli.StartRunAsync(id, "queued");
            Assert.True(await _cli.Store.ReleaseRunAsync(id, "other", RunStatus.Pending));
        }

        var entered = Channel.CreateUnbounded<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Registrations.Create(
            "queued",
            durable: true,
            recover: (_, _) => Task.FromResult(0),
            resume: async (_, runId, _) =>
            {
                entered.Writer.TryWrite(runId);
                await release.Task;
                return null;
            });

        using var cancellation = new CancellationTokenSource();
        var serve = _cli.RunAsync([queued], null, cancellation.Token, "serve", "--max-concurrent-runs", "1");
        var first = await entered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));

        // One slot: one run claimed (running, this process's), the other two left pending for other workers.
        var runs = await _cli.Store.ListRunsAsync(new RunQuery("queued"));
        Assert.Equal(new[] { first }, runs.Where(r => r.Status == RunStatus.Running).Select(r => r.RunId));
        Assert.Equal(2, runs.Count(r => r.Status == RunStatus.Pending));

        cancellation.Cancel();
        release.SetResult();
        Assert.Equal(0, await serve.WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Serve_refuses_a_max_concurrent_runs_below_one()
    {
        Assert.Equal(2, await _cli.RunAsync([Registrations.Create("queued", durable: true)], "serve", "--max-concurrent-runs", "0"));
        Assert.Contains("--max-concurrent-runs must be a whole number of runs, 1 or more, not '0'", _cli.ErrorText);
    }
}
