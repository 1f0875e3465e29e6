using System;
using System.Text.Json;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Hosting;
using Xunit;

namespace Workflows.CommandLine.Tests;

/// <summary><c>signal</c>: payloads checked against the signal step's type, refused runs, and what <c>status</c>/<c>runs</c> show of a waiting run.</summary>
public sealed class SignalCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>"approval": a durable workflow whose step 'approve' waits for 'manager-approval' with an {"Approved": bool} payload.</summary>
    private static WorkflowRegistration[] Workflows()
    {
        var registration = Registrations.Create("approval", durable: true, steps: ["approve"]);
        var descriptor = new WorkflowDescriptor("approval", null, "approval.workflow.yaml", registration.Descriptor.Steps, registration.Descriptor.Batches)
        {
            Signals = [new WorkflowSignalDescriptor("manager-approval", "approve", "Acme.ApprovalDecision", CheckDecision)],
        };
        return [registration with { Descriptor = descriptor }];
    }

    /// <summary>What the generated check does (deserializing with the json_context), by hand.</summary>
    private static void CheckDecision(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("Approved", out var approved)
            || approved.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new JsonException("The JSON value could not be converted to Acme.ApprovalDecision. Path: $.Approved");
        }
    }

    private async Task WaitingRunAsync(string runId)
    {
        await _cli.StartRunAsync(runId, "approval");
        var now = DateTimeOffset.UtcNow;
        Assert.True(await ((IWorkflowSignalStore)_cli.Store).SetWaitingAsync(runId, "other", new RunWait(["manager-approval"], now, null), now));
    }

    [Fact]
    public async Task A_payload_that_does_not_fit_the_type_is_refused_before_it_is_sent()
    {
        await WaitingRunAsync("r1");

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "signal", "r1", "manager-approval", "--data", "{\"Approved\":\"yes\"}"));

        Assert.Equal("error: Signal 'manager-approval' not sent: the payload does not fit Acme.ApprovalDecision: The JSON value could not be converted to Acme.ApprovalDecision. Path: $.Approved." + Environment.NewLine, _cli.ErrorText);
        Assert.Empty(await ((IWorkflowSignalStore)_cli.Store).GetSignalsAsync("r1"));
    }

    [Fact]
    public async Task Malformed_JSON_and_a_missing_payload_are_refused()
    {
        await WaitingRunAsync("r1");

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "signal", "r1", "manager-approval", "--data", "{ Approved: true"));
        Assert.StartsWith("error: Signal 'manager-approval' not sent: the payload does not fit Acme.ApprovalDecision:", _cli.ErrorText, StringComparison.Ordinal);
        Assert.Equal(2, await _cli.RunAsync(Workflows(), "signal", "r1", "manager-approval"));
        Assert.Contains("needs a payload of type Acme.ApprovalDecision", _cli.ErrorText, StringComparison.Ordinal);
        Assert.Empty(await ((IWorkflowSignalStore)_cli.Store).GetSignalsAsync("r1"));
    }

    [Fact]
    public async Task A_signal_the_workflow_does_not_wait_for_is_refused_with_the_ones_it_does()
    {
        await WaitingRunAsync("r1");

        Assert.Equal(2, await _cli.RunAsync(Workflows(), "signal", "r1", "manager-aproval", "--data", "{\"Approved\":true}"));

        Assert.Contains("Workflow 'approval' has no signal 'manager-aproval'; its signals: manager-approval.", _cli.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_finished_run_is_refused()
    {
        Assert.Equal(2, await _cli.RunAsync(Workflows(), "signal", "nope", "manager-approval", "--data", "{\"Approved\":true}"));
        Assert.Contains("No run 'nope'", _cli.ErrorText, StringComparison.Ordinal);

        await _cli.StartRunAsync("done", "approval");
        Assert.True(await _cli.Store.CompleteRunAsync("done", "other", RunStatus.Succeeded, null, null));
        Assert.Equal(1, await _cli.RunAsync(Workflows(), "signal", "done", "manager-approval", "--data", "{\"Approved\":true}"));
        Assert.Equal("error: Signal 'manager-approval' was not sent: run 'done' has finished (succeeded)." + Environment.NewLine, _cli.ErrorText);
    }

    [Fact]
    public async Task A_detached_signal_is_stored_once_and_status_and_runs_show_what_the_run_waits_for()
    {
        await WaitingRunAsync("r1");
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "status", "r1"));
        Assert.Matches(@"waiting:\s+signal manager-approval since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", _cli.OutText);
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "runs"));
        Assert.Contains("waiting: signal manager-approval since ", _cli.OutText, StringComparison.Ordinal);

        Assert.Equal(0, await _cli.RunAsync(Workflows(), "signal", "r1", "manager-approval", "--data", "{\"Approved\":true}", "--id", "mail-1", "--detach"));
        Assert.Equal("sent signal manager-approval to run r1" + Environment.NewLine, _cli.ErrorText);
        Assert.Equal(0, await _cli.RunAsync(Workflows(), "signal", "r1", "manager-approval", "--data", "{\"Approved\":false}", "--id", "mail-1", "--detach"));
        Assert.Equal("signal id mail-1 was sent to run r1 before: nothing changed" + Environment.NewLine, _cli.ErrorText);

        var signal = Assert.Single(await ((IWorkflowSignalStore)_cli.Store).GetSignalsAsync("r1"));
        Assert.Equal("{\"Approved\":true}", signal.PayloadJson);
    }
}
