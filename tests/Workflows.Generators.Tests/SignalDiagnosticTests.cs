using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>WF08xx: signal: and sleep: steps, checked at build time, and the typed send methods they give.</summary>
public sealed class SignalDiagnosticTests
{
    private static readonly string Context = $$"""
        namespace TestApp
        {
            {{TestSources.JsonContext("ShopJson", "Order")}}
        }
        """;

    private const string Approval = """
        name: orders
        json_context: TestApp.ShopJson
        steps:
          - id: approval
            signal: manager-approval
            type: TestApp.Order
            timeout: 72h
          - id: ship
            action: take.decimal
            if: ${{ steps.approval.output.Total > 10 }}
            with: { value: "${{ steps.approval.output.Total }}" }
          - id: cool-down
            sleep: 3d
            depends_on: ship
          - id: done
            signal: done
            depends_on: cool-down
        """;

    private static BuildResult Build(string workflow, string? extra = null)
        => WorkflowTestHost.Build(extra is null ? new[] { TestSources.Actions, Context } : new[] { TestSources.Actions, Context, extra }, new[] { ("flows/orders.workflow.yaml", workflow) });

    [Fact]
    public void A_signal_and_a_sleep_compile_with_a_typed_send_method_per_signal()
    {
        var result = Build(Approval);

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var source = result.GeneratedSource("TestApp.OrdersWorkflow.g.cs")!;
        Assert.Contains("public const string ManagerApprovalSignal = \"manager-approval\";", source);
        Assert.Contains("public static global::System.Threading.Tasks.ValueTask<bool> SendManagerApprovalAsync(global::Workflows.Durability.WorkflowRuns runs, string runId, global::TestApp.Order payload, string? signalId = null,", source);
        Assert.Contains("public static global::System.Threading.Tasks.ValueTask<bool> SendDoneAsync(global::Workflows.Durability.WorkflowRuns runs, string runId, string? signalId = null,", source);
        Assert.Contains("\"signal manager-approval -> global::TestApp.Order\"", source);
        Assert.Contains("\"sleep 3d -> void\"", source);
        Assert.Contains("DurableWaits.SignalAsync<global::TestApp.Order>(", source);
        Assert.Contains("new global::Workflows.WorkflowSignalDescriptor(\"manager-approval\", \"approval\", \"TestApp.Order\",", source);
    }

    [Fact]
    public void Sending_a_wrong_payload_is_a_compile_error()
    {
        var result = Build(Approval, """
            namespace TestApp
            {
                public static class Sender
                {
                    public static System.Threading.Tasks.ValueTask<bool> Send(Workflows.Durability.WorkflowRuns runs)
                        => OrdersWorkflow.SendManagerApprovalAsync(runs, "run-1", "approved");
                }
            }
            """);

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Contains(result.CompilerErrors, d => d.Id == "CS1503" && d.GetMessage().Contains("TestApp.Order", System.StringComparison.Ordinal));
    }

    [Fact]
    public void WF0103_reading_a_member_the_payload_lacks()
    {
        var result = Build(Approval.Replace("output.Total > 10", "output.Approved", System.StringComparison.Ordinal));

        Assert.Contains("'Order' has no member 'Approved'", DiagnosticAssert.SingleError(result, "WF0103", 10, 35).GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_the_output_of_a_signal_without_type_is_refused()
    {
        var result = Build(Approval.Replace("if: ${{ steps.approval.output.Total > 10 }}", "if: ${{ steps.done.output == 1 }}", System.StringComparison.Ordinal));

        Assert.Contains(result.WorkflowDiagnostics, d => d.Severity == DiagnosticSeverity.Error && d.GetMessage().Contains("'done'", System.StringComparison.Ordinal));
    }

    [Fact]
    public void WF0801_payload_type_names_no_type()
    {
        var result = Build(Approval.Replace("type: TestApp.Order", "type: TestApp.Ordr", System.StringComparison.Ordinal));

        Assert.Contains("'TestApp.Ordr', which names no C# type", DiagnosticAssert.SingleError(result, "WF0801", 6, 11).GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WF0802_payload_type_not_in_the_json_context()
    {
        var result = Build(Approval.Replace("type: TestApp.Order", "type: TestApp.Customer", System.StringComparison.Ordinal)
            .Replace("output.Total > 10", "output.Id == 'x'", System.StringComparison.Ordinal)
            .Replace("with: { value: \"${{ steps.approval.output.Total }}\" }", "with: { value: 1 }", System.StringComparison.Ordinal));

        Assert.Contains("json_context 'TestApp.ShopJson' does not list", DiagnosticAssert.SingleError(result, "WF0802", 6, 11).GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WF0803_a_signal_or_sleep_in_a_workflow_without_json_context()
    {
        var result = Build("""
            name: orders
            steps:
              - id: approval
                signal: go
              - id: pause
                sleep: 1h
            """);

        var found = result.WorkflowDiagnostics.Where(d => d.Id == "WF0803").Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1).ToList();
        Assert.Equal(new[] { 4, 6 }, found);
        Assert.Empty(result.Executors);
    }

    [Theory]
    [InlineData("go", "")]
    [InlineData("g-o", " (as 'g_o': both would be SendGOAsync)")]
    public void WF0804_two_steps_wait_for_the_same_signal(string second, string detail)
    {
        var result = Build($$"""
            name: orders
            json_context: TestApp.ShopJson
            steps:
              - id: one
                signal: {{(second == "go" ? "go" : "g_o")}}
              - id: two
                signal: {{second}}
            """);

        Assert.EndsWith("both wait for signal '" + second + "'" + detail + ". A signal is delivered to one step: give each step its own signal name.",
            DiagnosticAssert.SingleError(result, "WF0804", 7, 13).GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WF0805_invalid_signal_name()
    {
        var result = Build("""
            name: orders
            json_context: TestApp.ShopJson
            steps:
              - id: one
                signal: "9 lives"
            """);

        DiagnosticAssert.SingleError(result, "WF0805", 5, 13);
    }

    [Theory]
    [InlineData("signal: go", "with: { a: 1 }", "with")]
    [InlineData("signal: go", "retry: { max_attempts: 2 }", "retry")]
    [InlineData("sleep: 1h", "timeout: 2h", "timeout")]
    [InlineData("sleep: 1h", "type: TestApp.Order", "type")]
    public void WF0806_keys_a_waiting_step_cannot_have(string wait, string key, string name)
    {
        var result = Build($$"""
            name: orders
            json_context: TestApp.ShopJson
            steps:
              - id: one
                {{wait}}
                {{key}}
            """);

        Assert.Contains($"cannot use '{name}'", DiagnosticAssert.SingleError(result, "WF0806", 6, 5).GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void WF0201_a_sleep_with_a_bad_duration()
    {
        var result = Build("""
            name: orders
            json_context: TestApp.ShopJson
            steps:
              - id: one
                sleep: 3 days
            """);

        DiagnosticAssert.SingleError(result, "WF0201", 5, 12);
    }

    [Fact]
    public void WF0006_a_step_that_calls_and_waits()
    {
        var result = Build("""
            name: orders
            json_context: TestApp.ShopJson
            steps:
              - id: one
                action: build
                signal: go
            """);

        Assert.Contains("either calls something or waits", DiagnosticAssert.SingleError(result, "WF0006", 6, 5).GetMessage(), System.StringComparison.Ordinal);
    }
}
