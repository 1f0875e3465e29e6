using System;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

/// <summary><c>runs purge</c>: retention from the command line, against a real SQLite store.</summary>
public sealed class PurgeCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    private static WorkflowRegistration[] Workflows() => [Registrations.Create("ledger", durable: true)];

    /// <summary>The command line's clock, <paramref name="days"/> days from now.</summary>
    private static Action<WorkflowCommandLineOptions> InDays(int days)
        => options => options.Options = new WorkflowOptions { TimeProvider = new FixedTimeProvider(DateTimeOffset.UtcNow.AddDays(days)) };

    private async Task FinishAsync(string runId, RunStatus status, string workflow = "ledger")
    {
        await _cli.StartRunAsync(runId, workflow);
        Assert.True(await _cli.Store.CompleteRunAsync(runId, "other", status, null, null));
    }

    [Fact]
    public async Task Purge_deletes_finished_runs_older_than_the_duration_and_keeps_the_rest()
    {
        await FinishAsync("ok", RunStatus.Succeeded);
        await FinishAsync("failed", RunStatus.Failed);
        await FinishAsync("other-ok", RunStatus.Succeeded, "other");
        await _cli.StartRunAsync("running", "ledger");

        // Two days on, nothing finished more than three days ago.
        Assert.Equal(0, await _cli.RunAsync(Workflows(), InDays(2), CancellationToken.None, "runs", "purge", "--older-than", "3d"));
        Assert.Contains("purged 0 runs that finished before", _cli.ErrorText);
        Assert.NotNull(await _cli.StatusOfAsync("ok"));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), InDays(2), CancellationToken.None, "runs", "purge", "--older-than", "1d", "--status", "succeeded", "-w", "ledger"));
        Assert.Contains("purged 1 run that finished before", _cli.ErrorText);
        Assert.Null(await _cli.StatusOfAsync("ok"));
        Assert.Equal(RunStatus.Failed, await _cli.StatusOfAsync("failed"));
        Assert.Equal(RunStatus.Succeeded, await _cli.StatusOfAsync("other-ok"));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), InDays(2), CancellationToken.None, "runs", "purge", "--older-than", "1d"));
        Assert.Contains("purged 2 runs", _cli.ErrorText);
        Assert.Null(await _cli.StatusOfAsync("failed"));
        Assert.Null(await _cli.StatusOfAsync("other-ok"));
        Assert.Equal(RunStatus.Running, await _cli.StatusOfAsync("running"));
    }

    [Theory]
    [InlineData("--older-than", "soon", "--older-than is not a duration")]
    [InlineData("--older-than", "1d", "--status", "running", "--status must be a finished run status")]
    public async Task Purge_refuses_bad_values_with_exit_2(params string[] argsAndMessage)
    {
        var args = argsAndMessage[..^1];
        Assert.Equal(2, await _cli.RunAsync(Workflows(), ["runs", "purge", .. args]));
        Assert.Contains(argsAndMessage[^1], _cli.ErrorText);
    }

    [Fact]
    public async Task Purge_requires_older_than()
    {
        Assert.NotEqual(0, await _cli.RunAsync(Workflows(), "runs", "purge"));
        Assert.Contains("--older-than", _cli.ErrorText);
    }
}
