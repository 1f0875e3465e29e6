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
    public async Task Serve_recovers_with_the_store_prints_schedules_and_drains_on_cancellation()
    {
        var recovering = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var drained = false;
        var aborted = false;
        var nightly = Registrations.Create(
            "nightly",
            durable: true,
            schedules: [Registrations.Schedule("nightly", "0 3 * * *")],
            recover: async (workflow, ct) =>
            {
                recovering.SetResult(workflow.Options.Store is not null);

                // A durable run starts no new step once the host drains; this one is between steps.
                var drain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var onDrain = workflow.Options.DrainToken.Register(drain.SetResult);
                using var onAbort = ct.Register(() => aborted = true);
                await drain.Task;
                drained = true;
                return 0;
            });

        using var cancellation = new CancellationTokenSource();
        var serve = _cli.RunAsync([nightly], null, cancellation.Token, "serve", "--shutdown-timeout", "600");
        Assert.True(await recovering.Task.WaitAsync(TimeSpan.FromMinutes(1)), "the workflow's options had no store");
        cancellation.Cancel();

        Assert.Equal(0, await serve.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(drained);
        Assert.False(aborted);
        var error = _cli.ErrorText;
        Assert.Matches(@"nightly: 0 3 \* \* \* \(UTC\) next \d{4}-\d\d-\d\d 03:00 \+00:00", error);
        Assert.Contains("running steps get 600 s to finish", error);
        Assert.DoesNotContain("shutdown timeout passed", error);
        Assert.EndsWith("stopped", error.TrimEnd());
    }

    [Fact]
    public async Task Serve_cancels_what_still_runs_when_the_shutdown_timeout_passes()
    {
        var recovering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = false;
        var stubborn = Registrations.Create(
            "stubborn",
            durable: true,
            recover: async (workflow, ct) =>
            {
                recovering.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct); // ignores the drain: only cancellation ends it
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                }

                return 0;
            });

        using var cancellation = new CancellationTokenSource();
        var serve = _cli.RunAsync([stubborn], null, cancellation.Token, "serve", "--shutdown-timeout", "0.05");
        await recovering.Task.WaitAsync(TimeSpan.FromMinutes(1));
        cancellation.Cancel();

        Assert.Equal(0, await serve.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(cancelled);
        Assert.Contains("shutdown timeout passed", _cli.ErrorText);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    public async Task Serve_rejects_a_bad_shutdown_timeout(string value)
    {
        Assert.Equal(2, await _cli.RunAsync([Registrations.Create("any")], "serve", "--shutdown-timeout", value));
        Assert.Contains("--shutdown-timeout", _cli.ErrorText);
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
