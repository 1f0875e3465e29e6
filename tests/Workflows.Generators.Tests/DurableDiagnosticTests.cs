using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>WF05xx: what durable runs need from json_context, checked at build time.</summary>
public sealed class DurableDiagnosticTests
{
    private static readonly string Context = $$"""
        namespace TestApp
        {
            {{TestSources.JsonContext("ShopJson", "Order")}}

            public sealed class NotAContext { }
        }
        """;

    private static BuildResult Build(params (string Path, string Text)[] files) => WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, files);

    private static Diagnostic Single(BuildResult result, string id, string file, int line, int column)
    {
        Assert.Empty(result.AnalyzerExceptions);
        var matching = result.WorkflowDiagnostics.Where(d => d.Id == id && d.Location.GetLineSpan().Path.EndsWith(file, System.StringComparison.Ordinal)).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got: {string.Join("; ", result.WorkflowDiagnostics)}");
        var position = matching[0].Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (position.Line + 1, position.Character + 1));
        return matching[0];
    }

    [Fact]
    public void A_covered_durable_workflow_gets_durable_members_and_no_diagnostic()
    {
        var result = Build(("flows/orders.workflow.yaml", """
            name: orders
            json_context: TestApp.ShopJson
            durable: true
            inputs:
              id: { type: string, required: true }
            outputs:
              total: ${{ steps.load.output.Total }}
            steps:
              - id: load
                action: orders.load
                with: { id: "${{ inputs.id }}" }
            """));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        var source = result.GeneratedSource("TestApp.OrdersWorkflow.g.cs")!;
        Assert.Contains("public async global::System.Threading.Tasks.ValueTask<Outputs> RunDurableAsync(Inputs inputs, string runId,", source);
        Assert.Contains("private static readonly string[] s_stepSignatures = { \"orders.load -> global::TestApp.Order\" };", source);
        Assert.Contains("is durable (durable: true): set WorkflowOptions.Store", source);
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void A_synchronous_workflow_with_json_context_keeps_the_synchronous_unobserved_run()
    {
        // json_context makes a workflow durable when a store is set; without one, nothing must await (issue 22, §2).
        var result = Build(("flows/sync.workflow.yaml", """
            name: sync-json
            json_context: TestApp.ShopJson
            steps:
              - id: one
                action: build
              - id: two
                action: deploy.test
                depends_on: one
            """));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        var source = result.GeneratedSource("TestApp.SyncJsonWorkflow.g.cs")!;
        Assert.Contains("? RunUnobservedAsync(cancellationToken)", source);
        Assert.Contains("private global::System.Threading.Tasks.ValueTask RunUnobservedAsync(global::System.Threading.CancellationToken cancellationToken)", source);
        Assert.Contains("private async global::System.Threading.Tasks.ValueTask RunCoreAsync(", source); // the recorded run still checkpoints
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void WF0501_durable_without_json_context()
    {
        var result = Build(("flows/orders.workflow.yaml", """
            name: orders
            durable: true
            steps:
              - id: one
                action: build
            """));

        DiagnosticAssert.SingleError(result, "WF0501", 2, 10);
    }

    [Theory]
    [InlineData("TestApp.Missing", "names no type")]
    [InlineData("TestApp.NotAContext", "is not a JsonSerializerContext")]
    public void WF0502_json_context_that_is_no_context(string name, string reason)
    {
        var result = Build(("flows/orders.workflow.yaml", $$"""
            name: orders
            json_context: {{name}}
            steps:
              - id: one
                action: build
            """));

        Assert.Contains(reason, DiagnosticAssert.SingleError(result, "WF0502", 2, 15).GetMessage());
    }

    [Fact]
    public void WF0503_each_stored_type_the_context_does_not_list()
    {
        var result = Build(("flows/orders.workflow.yaml", """
            name: orders
            json_context: TestApp.ShopJson
            inputs:
              customer: TestApp.Customer
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: fetch
                action: fetch
                with: { order_id: o-2 }
            """));

        var found = result.WorkflowDiagnostics.Where(d => d.Id == "WF0503").Select(d => d.GetMessage()).ToList();
        Assert.Equal(new[] { "Input 'customer' has type 'Customer', which json_context 'TestApp.ShopJson' does not list. Add [JsonSerializable(typeof(Customer))] to it, so durable runs can store it (AOT safe, no reflection)." }, found);
        Assert.Equal((2, 15), (result.WorkflowDiagnostics.Single().Location.GetLineSpan().StartLinePosition.Line + 1, result.WorkflowDiagnostics.Single().Location.GetLineSpan().StartLinePosition.Character + 1));
    }

    [Fact]
    public void WF0504_a_durable_workflow_runs_one_without_json_context()
    {
        var result = Build(
            ("flows/ship.workflow.yaml", """
                name: ship
                steps:
                  - id: one
                    action: build
                """),
            ("flows/orders.workflow.yaml", """
                name: orders
                json_context: TestApp.ShopJson
                steps:
                  - id: ship
                    workflow: ship
                """));

        Single(result, "WF0504", "orders.workflow.yaml", 5, 15);
    }
}
