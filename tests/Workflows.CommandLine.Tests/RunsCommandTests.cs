using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class RunsCommandTests : IDisposable
{
    private static readonly DateTimeOffset s_t0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly Cli _cli = new();
    private int _resumed;
    private string? _resumedId;

    public void Dispose() => _cli.Dispose();

    /// <summary>"ledger", durable: its ResumeAsync claims the run, completes it and returns its outputs.</summary>
    private WorkflowRegistration[] Workflows() =>
    [
        Registrations.Create(
            "ledger",
            durable: true,
            resume: async (workflow, runId, ct) =>
            {
                Interlocked.Increment(ref _resumed);
                _resumedId = runId;
                var store = workflow.Options.Store!;
                var now = DateTimeOffset.UtcNow;
                Assert.NotNull(await store.TryClaimRunAsync(runId, workflow.Options.Owner, now, now.AddMinutes(1), ct));
                workflow.Observer.StepStarted("ledger", "post");
                workflow.Observer.StepCompleted("ledger", "post", 1, TimeSpan.FromMilliseconds(3));
                Assert.True(await store.CompleteRunAsync(runId, workflow.Options.Owner, RunStatus.Succeeded, "{\"posted\":2}", null, ct));
                return "{\"posted\":2}";
            }),
    ];

    [Fact]
    public async Task Runs_lists_newest_first_and_filters_by_workflow_and_status()
    {
        await _cli.StartRunAsync("r-old", "ledger", s_t0);
        await _cli.StartRunAsync("r-mid", "other", s_t0.AddMinutes(1));
        await _cli.StartRunAsync("r-new", "ledger", s_t0.AddMinutes(2));
        await _cli.Store.CompleteRunAsync("r-old", "other", RunStatus.Failed, null, "boom");

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "runs"));
        var lines = _cli.OutText.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^RUN ID\s+WORKFLOW\s+STATUS\s+CREATED\s+UPDATED\s+COMPLETED$", lines[0]);
        Assert.Matches(@"^r-new\s+ledger\s+running\s+2026-03-01 08:02:00Z", lines[1]);
        Assert.StartsWith("r-mid", lines[2]);
        Assert.Matches(@"^r-old\s+ledger\s+failed\s+", lines[3]);
        Assert.Equal(4, lines.Length);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "runs", "--workflow", "ledger", "--status", "Failed"));
        lines = _cli.OutText.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("r-old", lines[1]);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "runs", "--limit", "1", "--json"));
        using var document = JsonDocument.Parse(_cli.OutText);
        Assert.Equal(1, document.RootElement.GetArrayLength());
        Assert.Equal("r-new", document.RootElement[0].GetProperty("runId").GetString());
        Assert.Equal("running", document.RootElement[0].GetProperty("status").GetString());
        Assert.Equal("x", document.RootElement[0].GetProperty("inputs").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Runs_and_status_show_control_characters_escaped_not_raw()
    {
        const string id = "r\u001b]0;owned\u0007\u001b[31mred\rX";
        var now = DateTimeOffset.UtcNow;
        await _cli.Store.StartRunAsync(new NewRun(id, "ledger", "hash", "{\"name\":\"\u001b[2J\"}", now), "owner\u001b[1m", now.AddHours(1));
        await _cli.Store.CompleteRunAsync(id, "owner\u001b[1m", RunStatus.Failed, null, "boom \u001b[31m\u202Egnp.exe");

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "runs"));
        Assert.DoesNotContain('\u001b', _cli.OutText);
        Assert.Contains("r\\x1B]0;owned\\x07\\x1B[31mred\\x0DX  ledger", _cli.OutText);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", id));
        var text = _cli.OutText;
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\r', text.Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
        Assert.DoesNotContain('\u202E', text);
        Assert.Contains("run:        r\\x1B]0;owned\\x07\\x1B[31mred\\x0DX", text);
        Assert.Contains("error:      boom \\x1B[31m\\u202Egnp.exe", text);

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "status", "no\u001b[2Jsuch"));
        Assert.DoesNotContain('\u001b', _cli.ErrorText);
    }

    [Fact]
    public async Task Runs_rejects_an_unknown_status_and_a_limit_below_one()
    {
        Assert.Equal(2, await _cli.RunAsync(Workflows(), "runs", "--status", "sleeping"));
        Assert.Contains("--status 'sleeping' is not a run status: use pending, running, paused, waiting, succeeded, failed or cancelled.", _cli.ErrorText);

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "runs", "--limit", "0"));
        Assert.Contains("--limit 0", _cli.ErrorText);
    }

    [Fact]
    public async Task Status_shows_the_run_its_steps_and_its_events()
    {
        await _cli.StartRunAsync("r1", "ledger", s_t0);
        var store = _cli.Store;
        await store.RecordStepsAsync("r1", "other", [new StepRecord("r1", "post", -1, "sig", 2, StepStatus.Succeeded, "42", null, s_t0, s_t0.AddSeconds(1))]);
        await store.AppendEventAsync(new RunEvent("r1", 0, s_t0.AddSeconds(2), "note", "post", "a detail"));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", "r1"));
        var text = _cli.OutText;
        Assert.Contains("run:        r1", text);
        Assert.Contains("workflow:   ledger", text);
        Assert.Contains("status:     running", text);
        Assert.Matches(@"(?m)^  post\s+-\s+succeeded\s+2\s+2026-03-01 08:00:00Z", text);
        Assert.Matches(@"(?m)^  2026-03-01 08:00:02Z\s+note\s+post\s+a detail", text);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", "r1", "--json"));
        using var document = JsonDocument.Parse(_cli.OutText);
        Assert.Equal("r1", document.RootElement.GetProperty("run").GetProperty("runId").GetString());
        Assert.Equal(42, document.RootElement.GetProperty("steps")[0].GetProperty("output").GetInt32());
        Assert.Contains(document.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "note");
    }

    [Fact]
    public async Task Status_says_why_a_pending_run_waits_for_a_slot()
    {
        await _cli.Store.StartRunAsync(
            new NewRun("q1", "ledger", "hash", null, s_t0) { Limits = new RunLimits(1), ConcurrencyKey = "acme", Priority = 3 }, "other", s_t0.AddHours(1));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", "q1"));
        Assert.Contains("status:     pending", _cli.OutText);
        Assert.Contains("queued:     for a slot within the workflow's limits (concurrency key acme)", _cli.OutText);
        Assert.Contains("priority:   3", _cli.OutText);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", "q1", "--json"));
        using var document = JsonDocument.Parse(_cli.OutText);
        var run = document.RootElement.GetProperty("run");
        Assert.Equal((true, "acme", 3), (run.GetProperty("queuedForSlot").GetBoolean(), run.GetProperty("concurrencyKey").GetString(), run.GetProperty("priority").GetInt32()));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("cancel")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("retry")]
    public async Task An_unknown_run_id_is_a_usage_error(string command)
    {
        Assert.Equal(2, await _cli.RunAsync(Workflows(), command, "nope"));
        Assert.Contains($"No run 'nope' in the store '{_cli.StorePath}'. Run 'runs' to list the runs", _cli.ErrorText);
        Assert.Equal(0, _resumed);
    }

    [Fact]
    public async Task Cancel_changes_an_unfinished_run_and_refuses_a_finished_one()
    {
        // A run a live process owns: the cancel is a request its process applies.
        await _cli.StartRunAsync("r1", "ledger");
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "cancel", "r1"));
        Assert.Contains("cancel requested for run r1: its process cancels its running steps", _cli.ErrorText);
        var asked = (await _cli.Store.GetRunAsync("r1"))!;
        Assert.Equal((RunStatus.Running, RunControl.Cancel), (asked.Status, asked.Requested));

        // A run nobody runs is cancelled at once.
        await _cli.StartRunAsync("r2", "ledger");
        Assert.True(await _cli.Store.ReleaseRunAsync("r2", "other", RunStatus.Pending));
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "cancel", "r2"));
        Assert.Contains("cancelled run r2", _cli.ErrorText);
        Assert.Equal(RunStatus.Cancelled, await _cli.StatusOfAsync("r2"));
        Assert.Contains(await _cli.Store.GetEventsAsync("r2"), e => e.Kind == "cancelled" && e.Detail == "by " + Environment.UserName);

        Assert.Equal(1, await _cli.RunAsync(Workflows(), "cancel", "r2"));
        Assert.Contains("Run 'r2' is cancelled: only running, pending, paused or waiting runs can be cancelled.", _cli.ErrorText);
    }

    [Fact]
    public async Task Pause_changes_a_running_run_and_refuses_a_finished_one()
    {
        await _cli.StartRunAsync("r1", "ledger");
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "pause", "r1"));
        Assert.Contains("pause requested for run r1: its process stops it at the next step boundary", _cli.ErrorText);
        Assert.Equal(RunControl.Pause, (await _cli.Store.GetRunAsync("r1"))!.Requested);
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", "r1"));
        Assert.Contains("status:     running (pause requested)", _cli.OutText);

        await _cli.StartRunAsync("r2", "ledger");
        await _cli.Store.CompleteRunAsync("r2", "other", RunStatus.Succeeded, null, null);
        Assert.Equal(1, await _cli.RunAsync(Workflows(), "pause", "r2"));
        Assert.Contains("Run 'r2' is succeeded: only running, pending or waiting runs can be paused.", _cli.ErrorText);
    }

    [Fact]
    public async Task Resume_continues_a_paused_run_here_and_prints_its_outputs()
    {
        await _cli.StartRunAsync("r1", "ledger");
        Assert.True(await _cli.Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "resume", "r1"));

        Assert.Equal("r1", _resumedId);
        Assert.Equal(RunStatus.Succeeded, await _cli.StatusOfAsync("r1"));
        using var document = JsonDocument.Parse(_cli.OutText);
        Assert.Equal(2, document.RootElement.GetProperty("posted").GetInt32());
        Assert.Contains("resumed run r1 of ledger", _cli.ErrorText);
        Assert.Contains("done post (3 ms)", _cli.ErrorText);
    }

    [Fact]
    public async Task Resume_of_a_pending_run_just_continues_it()
    {
        await _cli.StartRunAsync("r1", "ledger");
        Assert.True(await _cli.Store.SetStatusAsync("r1", RunStatus.Pending, [RunStatus.Running]));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "resume", "r1"));
        Assert.Equal(1, _resumed);
        Assert.Equal(RunStatus.Succeeded, await _cli.StatusOfAsync("r1"));
    }

    [Fact]
    public async Task Resume_detached_only_makes_the_run_pending()
    {
        await _cli.StartRunAsync("r1", "ledger");
        Assert.True(await _cli.Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "resume", "r1", "--detach"));
        Assert.Equal(RunStatus.Pending, await _cli.StatusOfAsync("r1"));
        Assert.Equal(0, _resumed);
        Assert.Contains("a 'serve' process continues it", _cli.ErrorText);
    }

    [Fact]
    public async Task Resume_refuses_a_finished_run_with_a_hint()
    {
        await _cli.StartRunAsync("r1", "ledger");
        await _cli.Store.CompleteRunAsync("r1", "other", RunStatus.Failed, null, "boom");

        Assert.Equal(1, await _cli.RunAsync(Workflows(), "resume", "r1"));
        Assert.Contains("Run 'r1' is failed: only paused or pending runs can be resumed. Retry it with 'retry r1'.", _cli.ErrorText);
        Assert.Equal(0, _resumed);
    }

    [Fact]
    public async Task Retry_makes_a_failed_run_pending_and_continues_it_here()
    {
        await _cli.StartRunAsync("r1", "ledger");
        await _cli.Store.CompleteRunAsync("r1", "other", RunStatus.Failed, null, "boom");

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "retry", "r1"));
        Assert.Equal(1, _resumed);
        Assert.Equal(RunStatus.Succeeded, await _cli.StatusOfAsync("r1"));
        Assert.Contains("\"posted\": 2", _cli.OutText);
    }

    [Fact]
    public async Task Retry_detached_only_makes_the_run_pending_and_refuses_a_run_that_did_not_fail()
    {
        await _cli.StartRunAsync("r1", "ledger");
        await _cli.Store.CompleteRunAsync("r1", "other", RunStatus.Failed, null, "boom");
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "retry", "r1", "--detach"));
        Assert.Equal(RunStatus.Pending, await _cli.StatusOfAsync("r1"));

        Assert.Equal(1, await _cli.RunAsync(Workflows(), "retry", "r1"));
        Assert.Contains("Run 'r1' is pending: only failed runs can be retried.", _cli.ErrorText);
        Assert.Equal(0, _resumed);
    }

    [Fact]
    public async Task Resume_of_a_run_of_a_workflow_the_app_does_not_have_is_refused()
    {
        await _cli.StartRunAsync("r1", "elsewhere");
        Assert.True(await _cli.Store.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]));

        Assert.Equal(1, await _cli.RunAsync(Workflows(), "resume", "r1"));
        Assert.Contains("Run 'r1' is of workflow 'elsewhere', which this app does not have (Known: ledger.)", _cli.ErrorText);
    }
}
