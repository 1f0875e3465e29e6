using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Workflows.Tests.Shared;
using Xunit;

namespace Workflows.CommandLine.Tests;

/// <summary>
/// The sample app's command line end to end, in a child process as a user runs it: arguments, exit codes, the
/// outputs' JSON on stdout, progress and errors on stderr, and durable runs kept in a SQLite file across processes.
/// </summary>
public sealed class SampleAppTests : IDisposable
{
    private static readonly string s_app = FindApp();
    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-sample-cli-").FullName;

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
    public void Run_prints_the_outputs_as_json_and_progress_on_stderr_and_the_run_is_in_the_history()
    {
        var run = Run("run", "orders-etl", "--input", "min_amount=10");

        Assert.True(run.ExitCode == 0, run.ToString());
        var outputs = JsonDocument.Parse(run.Output).RootElement; // stdout is only the JSON
        Assert.Equal(7, outputs.GetProperty("rows").GetInt32());
        Assert.Equal(2, outputs.GetProperty("rejected").GetInt32());
        Assert.Contains("done load", run.Error);
        var runId = run.Error.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("run ", StringComparison.Ordinal))["run ".Length..];

        var runs = Run("runs", "--json");
        Assert.True(runs.ExitCode == 0, runs.ToString());
        var listed = JsonDocument.Parse(runs.Output).RootElement.EnumerateArray().Single();
        Assert.Equal(runId, listed.GetProperty("runId").GetString());
        Assert.Equal("succeeded", listed.GetProperty("status").GetString(), ignoreCase: true);

        var status = Run("status", runId);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("validate", status.Output);

        // A finished run cannot be paused or cancelled.
        Assert.Equal(1, Run("cancel", runId).ExitCode);
    }

    [Fact]
    public void A_run_that_is_not_durable_leaves_its_history_and_reading_it_opens_the_store_read_only()
    {
        Assert.Equal(0, Run("runs").ExitCode); // no store yet: nothing is created by reading
        Assert.False(File.Exists(Path.Combine(_directory, "runs.db")));

        var run = Run("run", "deploy-app");
        Assert.True(run.ExitCode == 0, run.ToString());

        var runs = Run("runs", "-w", "deploy-app", "--json");
        Assert.True(runs.ExitCode == 0, runs.ToString());
        var listed = JsonDocument.Parse(runs.Output).RootElement.EnumerateArray().Single();
        Assert.Equal("succeeded", listed.GetProperty("status").GetString());
        var status = Run("status", listed.GetProperty("runId").GetString()!);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("deploy-staging", status.Output);
    }

    [Fact]
    public void Invalid_input_exits_2_naming_the_input_and_nothing_runs()
    {
        var wrongType = Run("run", "orders-etl", "--input", "min_amount=lots");
        var unknownInput = Run("run", "orders-etl", "--input", "minimum=1");
        var unknownWorkflow = Run("run", "no-such-workflow");
        var usage = Run("run", "orders-etl", "--input", "min_amount");

        Assert.True(wrongType.ExitCode == 2, wrongType.ToString());
        Assert.Contains("min_amount", wrongType.Error);
        Assert.True(unknownInput.ExitCode == 2, unknownInput.ToString());
        Assert.Contains("min_amount", unknownInput.Error); // the known inputs are listed
        Assert.True(unknownWorkflow.ExitCode == 2, unknownWorkflow.ToString());
        Assert.Contains("orders-etl", unknownWorkflow.Error);
        Assert.Equal(2, usage.ExitCode);
        Assert.Empty(wrongType.Output);
        Assert.False(Directory.Exists(Path.Combine(_directory, "work", "etl")));
    }

    [Fact]
    public void A_failed_durable_run_exits_1_and_retry_in_a_new_process_continues_it()
    {
        var source = Path.Combine(_directory, "incoming.csv");

        var failed = Run("run", "orders-etl", "--input", "source=" + source);

        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains("extract", failed.Error);
        var runId = failed.Error.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("run ", StringComparison.Ordinal))["run ".Length..];

        File.Copy(Path.Combine(Path.GetDirectoryName(s_app)!, "data", "orders.csv"), source);
        var retried = Run("retry", runId);

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal(7, JsonDocument.Parse(retried.Output).RootElement.GetProperty("rows").GetInt32());
        Assert.Contains("succeeded", Run("status", runId).Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_expense_approval_waits_for_a_signal_which_a_later_command_sends_and_the_run_finishes()
    {
        var started = Run("run", "expense-approval", "-i", "employee=ann", "-i", "amount=120");

        Assert.True(started.ExitCode == 0, started.ToString());
        Assert.Empty(started.Output); // no outputs yet
        Assert.Contains("waiting: signal manager-approval since ", started.Error);
        var runId = started.Error.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("run ", StringComparison.Ordinal))["run ".Length..];
        Assert.Contains("waiting:    signal manager-approval since ", Run("status", runId).Output);

        var wrong = Run("signal", runId, "manager-approval", "--data", "{\"Approved\":\"yes\"}");
        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.Contains("the payload does not fit Workflows.Samples.Approval.ApprovalDecision", wrong.Error);

        var approved = Run("signal", runId, "manager-approval", "--data", "{\"Approved\":true,\"Approver\":\"bob\"}");
        Assert.True(approved.ExitCode == 0, approved.ToString());
        Assert.Equal("paid 120 to ann, approved by bob", JsonDocument.Parse(approved.Output).RootElement.GetProperty("decision").GetString());
        Assert.Contains("succeeded", Run("status", runId).Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Run("signal", runId, "manager-approval", "--data", "{\"Approved\":true,\"Approver\":\"eve\"}").ExitCode); // finished: refused
    }

    [Fact]
    public void List_show_and_export_describe_the_compiled_workflows()
    {
        var list = Run("list");
        var show = Run("show", "deploy-app");
        var export = Run("export", "orders-etl", "--format", "json");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("orders-etl", list.Output);
        Assert.Contains("0 2 * * * (Europe/Berlin)", list.Output);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("```mermaid", show.Output);
        Assert.Contains("batches", show.Output);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal("orders-etl", JsonDocument.Parse(export.Output).RootElement.GetProperty("name").GetString());
        Assert.False(File.Exists(Path.Combine(_directory, "runs.db"))); // describing needs no store
    }

    internal static string FindApp()
    {
        // AppContext.BaseDirectory is tests/Workflows.CommandLine.Tests/bin/<Configuration>/net10.0/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testOutput.Parent!.Name;
        var repository = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var app = Path.Combine(repository, "samples", "Workflows.Samples", "bin", configuration, "net10.0", "Workflows.Samples.dll");
        return File.Exists(app) ? app : throw new InvalidOperationException($"The sample is not built at '{app}'.");
    }
}
