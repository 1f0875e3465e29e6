using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Workflows.Tests.Shared;
using Xunit;

namespace Workflows.CommandLine.Tests;

/// <summary>
/// <c>run --detach</c> enqueues a durable run and exits; <c>status --wait</c>, in another process, waits until a third
/// process has run it, and exits with its final status. The sample app in child processes, as a user runs it.
/// </summary>
public sealed class DetachedRunTests : IDisposable
{
    private static readonly string s_app = SampleAppTests.FindApp();
    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-detach-cli-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private ProcessOutput Run(params string[] arguments)
        => DotNetApp.Run(s_app, arguments, _directory, new Dictionary<string, string>
        {
            ["WORKFLOWS_STORE"] = Path.Combine(_directory, "runs.db"),
            ["WORKFLOWS_SAMPLE_WORK"] = Path.Combine(_directory, "work"),
        });

    [Fact]
    public async Task Run_detach_enqueues_and_exits_and_status_wait_in_another_process_ends_with_the_outputs_once_it_ran()
    {
        var detached = Run("run", "orders-etl", "--detach", "-i", "min_amount=100");

        Assert.True(detached.ExitCode == 0, detached.ToString());
        var runId = detached.Output.Trim();
        Assert.Matches("^[0-9a-f]{32}$", runId); // stdout is only the id
        Assert.Contains("pending", detached.Error);
        Assert.Contains("\"pending\"", Run("status", runId, "--json").Output);
        Assert.False(Directory.Exists(Path.Combine(_directory, "work")) && Directory.EnumerateFileSystemEntries(Path.Combine(_directory, "work")).Any(), "a step ran");

        // The same id again enqueues nothing.
        var again = Run("run", "orders-etl", "--detach", "--run-id", runId);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("exists already", again.Error);

        // A waiter starts before anything runs the run, and ends only once another process ran it.
        var waiting = Task.Run(() => Run("status", runId, "--wait"));
        var resumed = Run("resume", runId);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());

        var waited = await waiting.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(waited.ExitCode == 0, waited.ToString());
        var outputs = JsonDocument.Parse(waited.Output).RootElement;
        Assert.Equal(7, outputs.GetProperty("rows").GetInt32());
        Assert.Equal(5, outputs.GetProperty("rejected").GetInt32()); // the input given at enqueue (min_amount=100, not 0) was kept
    }

    [Fact]
    public void Status_wait_exits_1_for_a_failed_or_cancelled_run_and_2_for_an_unknown_one()
    {
        var failing = Run("run", "orders-etl", "--detach", "-i", "source=" + Path.Combine(_directory, "missing.csv"));
        var failingId = failing.Output.Trim();
        Assert.Equal(1, Run("resume", failingId).ExitCode);
        var failed = Run("status", failingId, "--wait");
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains("failed", failed.Error);
        Assert.Contains("retry " + failingId, failed.Error);
        Assert.Equal(string.Empty, failed.Output);

        var cancelledId = Run("run", "orders-etl", "--detach").Output.Trim();
        Assert.Equal(0, Run("cancel", cancelledId).ExitCode);
        var cancelled = Run("status", cancelledId, "--wait");
        Assert.True(cancelled.ExitCode == 1, cancelled.ToString());
        Assert.Contains("cancelled", cancelled.Error);

        var unknown = Run("status", "no-such-run", "--wait");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No run 'no-such-run'", unknown.Error);
    }

    [Fact]
    public void Run_detach_of_a_workflow_that_is_not_durable_is_a_usage_error_and_runs_nothing()
    {
        var refused = Run("run", "deploy-app", "--detach");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not durable", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
    }
}
