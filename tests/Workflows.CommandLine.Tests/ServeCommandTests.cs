using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class ServeCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Serve_recovers_with_the_store_prints_schedules_and_stops_gracefully_on_cancellation()
    {
        var recovering = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stoppedGracefully = false;
        var nightly = Registrations.Create(
            "nightly",
            durable: true,
            schedules: [Registrations.Schedule("nightly", "0 3 * * *")],
            recover: async (workflow, ct) =>
            {
                recovering.SetResult(workflow.Options.Store is not null);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    stoppedGracefully = true;
                }

                return 0;
            });

        using var cancellation = new CancellationTokenSource();
        var serve = _cli.RunAsync([nightly], null, cancellation.Token, "serve");
        Assert.True(await recovering.Task.WaitAsync(TimeSpan.FromMinutes(1)), "the workflow's options had no store");
        cancellation.Cancel();

        Assert.Equal(0, await serve);
        Assert.True(stoppedGracefully);
        var error = _cli.ErrorText;
        Assert.Matches(@"nightly: 0 3 \* \* \* \(UTC\) next \d{4}-\d\d-\d\d 03:00 \+00:00", error);
        Assert.Contains("stopped", error);
    }

    [Fact]
    public async Task Serve_says_when_a_scheduled_workflow_cannot_be_scheduled()
    {
        var needy = Registrations.Create("needy", schedules: [Registrations.Schedule("needy", "@daily")]) with { RunScheduledAsync = null };
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Equal(0, await _cli.RunAsync([needy], null, cancellation.Token, "serve"));
        Assert.Contains("needy: @daily (UTC) not scheduled: the workflow has required inputs", _cli.ErrorText);
        Assert.False(System.IO.File.Exists(_cli.StorePath)); // nothing durable: no database
    }
}
