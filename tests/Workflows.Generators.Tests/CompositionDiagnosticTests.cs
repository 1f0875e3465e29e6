using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>foreach, workflow: steps and max_parallel: their diagnostics, at exact positions, across files.</summary>
public sealed class CompositionDiagnosticTests
{
    private static BuildResult Build(params (string Path, string Text)[] files) => WorkflowTestHost.Build(TestSources.Actions, files);

    private static BuildResult Build(string yaml) => Build(("flows/test.workflow.yaml", yaml));

    private static Diagnostic Single(BuildResult result, string id, string fileSuffix, int line, int column)
    {
        Assert.Empty(result.AnalyzerExceptions);
        var matching = result.WorkflowDiagnostics.Where(d => d.Id == id && d.Location.GetLineSpan().Path.EndsWith(fileSuffix, System.StringComparison.Ordinal)).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id} in {fileSuffix}, got: {string.Join("; ", result.WorkflowDiagnostics)}");
        var position = matching[0].Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (position.Line + 1, position.Character + 1));
        return matching[0];
    }

    [Fact]
    public void A_foreach_over_an_array_compiles_and_types_item_as_the_element()
    {
        var result = Build("""
            name: lines
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: each
                foreach: ${{ steps.load.output.Lines }}
                max_parallel: 4
                action: take.string
                with: { value: "${{ item }}" }
              - id: count
                action: take.int
                depends_on: each
                with: { value: "${{ index }}" }
            """);

        // index outside the loop is the only error: item/index exist only in the foreach step's with:.
        var diagnostic = Single(result, "WF0302", "test.workflow.yaml", 14, 25);
        Assert.Equal("'index' is only defined in the with: of a step that has foreach. Add 'foreach: ${{ ... }}' to the step, or read inputs or steps instead.", diagnostic.GetMessage());
        Assert.Single(result.WorkflowDiagnostics);
    }

    [Fact]
    public void Valid_fan_out_generates_code_that_compiles()
    {
        var result = Build("""
            name: lines
            outputs:
              ids: ${{ steps.each.output }}
              first: ${{ steps.each.output[0] }}
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: each
                foreach: ${{ steps.load.output.Lines }}
                max_parallel: 4
                action: fetch
                with: { order_id: "${{ item }}-${{ index }}" }
            """);

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var source = result.GeneratedSource("TestApp.LinesWorkflow.g.cs")!;
        Assert.Contains("global::Workflows.Runtime.ForEach.RunAsync<string, string>(", source);
        Assert.Contains("public required string[] Ids { get; init; }", source);
    }

    [Fact]
    public void WF0301_foreach_over_something_that_is_not_a_collection()
    {
        var result = Build("""
            name: bad-loop
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: each
                foreach: ${{ steps.load.output.Total }}
                max_parallel: 2
                action: take.decimal
                with: { value: "${{ item }}" }
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0301", 7, 14);
        Assert.Equal("Step 'each': foreach needs a collection (an array, a list or another IEnumerable<T>), not 'decimal'", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0302_item_outside_a_loop()
    {
        var result = Build("""
            name: no-loop
            steps:
              - id: one
                action: take.string
                with: { value: "${{ item }}" }
            """);

        DiagnosticAssert.SingleError(result, "WF0302", 5, 25);
    }

    [Fact]
    public void WF0104_item_type_must_fit_the_parameter()
    {
        var result = Build("""
            name: wrong-item
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: each
                foreach: ${{ steps.load.output.Lines }}
                max_parallel: 2
                action: take.int
                with: { value: "${{ item }}" }
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0104", 10, 20);
        Assert.Contains("'value'", diagnostic.GetMessage());
        Assert.Contains("string", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0303_unbounded_fan_out_is_a_warning_and_still_generates()
    {
        var result = Build("""
            name: unbounded
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: each
                foreach: ${{ steps.load.output.Lines }}
                action: take.string
                with: { value: "${{ item }}" }
            """);

        var diagnostic = Single(result, "WF0303", "test.workflow.yaml", 7, 14);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.NotNull(result.GeneratedSource("TestApp.UnboundedWorkflow.g.cs"));
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void A_workflow_level_max_parallel_silences_WF0303()
    {
        var result = Build("""
            name: bounded
            max_parallel: 8
            steps:
              - id: load
                action: orders.load
                with: { id: o-1 }
              - id: each
                foreach: ${{ steps.load.output.Lines }}
                action: take.string
                with: { value: "${{ item }}" }
            """);

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Contains("private int MaxParallel => _options.MaxDegreeOfParallelism ?? 8 /* max_parallel */;", result.GeneratedSource("TestApp.BoundedWorkflow.g.cs"));
    }

    [Fact]
    public void WF0006_max_parallel_must_be_a_positive_whole_number()
    {
        var result = Build("""
            name: zero
            max_parallel: 0
            steps:
              - id: one
                action: build
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0006", 2, 15);
        Assert.Contains("must be a whole number of at least 1", diagnostic.GetMessage());
    }

    private const string Child = """
        name: ship-order
        inputs:
          order_id: { type: string, required: true }
          count: { type: int, default: 1 }
        outputs:
          tracking: ${{ steps.fetch.output }}
        steps:
          - id: fetch
            action: fetch
            with: { order_id: "${{ inputs.order_id }}" }
          - id: tell
            action: notify
            with: { message: "shipped ${{ inputs.count }}" }
        """;

    [Fact]
    public void A_workflow_step_runs_another_workflow_and_reads_its_typed_outputs()
    {
        var result = Build(("flows/ship.workflow.yaml", Child), ("flows/main.workflow.yaml", """
            name: main
            inputs:
              orders: "string[]"
            outputs:
              tracking: ${{ steps.ship.output.Tracking }}
              all: ${{ steps.each.output }}
            steps:
              - id: ship
                workflow: ship-order
                with: { order_id: o-1, count: 2 }
              - id: each
                workflow: ship-order
                foreach: ${{ inputs.orders }}
                depends_on: ship
                max_parallel: 2
                with: { order_id: "${{ item }}" }
            """));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var source = result.GeneratedSource("TestApp.MainWorkflow.g.cs")!;
        // The child's host comes in through the parent's constructor and the child is built once.
        Assert.Contains("public MainWorkflow(global::TestApp.Notifier notifier, global::Workflows.WorkflowOptions? options = null)", source);
        Assert.Contains("_shipOrderWorkflow = new global::TestApp.ShipOrderWorkflow(_notifier, _options);", source);
        Assert.Contains("new global::TestApp.ShipOrderWorkflow.Inputs { OrderId = \"o-1\", Count = 2 }", source);
        Assert.Contains("public required global::TestApp.ShipOrderWorkflow.Outputs[] All { get; init; }", source);
    }

    [Fact]
    public void Inputs_of_a_called_workflow_are_type_checked_at_their_positions()
    {
        var result = Build(("flows/ship.workflow.yaml", Child), ("flows/main.workflow.yaml", """
            name: main
            steps:
              - id: ship
                workflow: ship-order
                with: { order_id: o-1, count: many, colour: red }
            """));

        Single(result, "WF0012", "main.workflow.yaml", 5, 35);
        var unknown = Single(result, "WF0010", "main.workflow.yaml", 5, 41);
        Assert.Contains("order_id, count", unknown.GetMessage());
        Assert.DoesNotContain(result.Executors, s => s.HintName == "TestApp.MainWorkflow.g.cs");
        Assert.NotNull(result.GeneratedSource("TestApp.ShipOrderWorkflow.g.cs"));
    }

    [Fact]
    public void WF0011_a_required_input_of_a_called_workflow_must_be_given()
    {
        var result = Build(("flows/ship.workflow.yaml", Child), ("flows/main.workflow.yaml", """
            name: main
            steps:
              - id: ship
                workflow: ship-order
                with: { count: 3 }
            """));

        Single(result, "WF0011", "main.workflow.yaml", 4, 15);
    }

    [Fact]
    public void WF0304_unknown_workflow_with_a_suggestion()
    {
        var result = Build(("flows/ship.workflow.yaml", Child), ("flows/main.workflow.yaml", """
            name: main
            steps:
              - id: ship
                workflow: ship-ordr
            """));

        var diagnostic = Single(result, "WF0304", "main.workflow.yaml", 4, 15);
        Assert.Equal("Step 'ship' runs workflow 'ship-ordr', which is no workflow of this project. Did you mean 'ship-order'?", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0305_workflows_that_run_each_other_are_reported_in_every_file_of_the_cycle()
    {
        var result = Build(
            ("flows/a.workflow.yaml", """
                name: alpha
                steps:
                  - id: first
                    action: build
                  - id: call-beta
                    workflow: beta
                    depends_on: first
                """),
            ("flows/b.workflow.yaml", """
                name: beta
                steps:
                  - id: call-gamma
                    workflow: gamma
                """),
            ("flows/c.workflow.yaml", """
                name: gamma
                steps:
                  - id: back
                    workflow: alpha
                """));

        Assert.Equal("Workflows run each other in a cycle: alpha -> beta -> gamma -> alpha. A workflow cannot run itself, directly or through others.",
            Single(result, "WF0305", "a.workflow.yaml", 6, 15).GetMessage());
        Assert.Contains("beta -> gamma -> alpha -> beta", Single(result, "WF0305", "b.workflow.yaml", 4, 15).GetMessage());
        Assert.Contains("gamma -> alpha -> beta -> gamma", Single(result, "WF0305", "c.workflow.yaml", 4, 15).GetMessage());
        Assert.Equal(3, result.WorkflowDiagnostics.Count());
        Assert.Empty(result.Executors);
    }

    [Fact]
    public void WF0305_a_workflow_that_runs_itself()
    {
        var result = Build("""
            name: loop
            steps:
              - id: again
                workflow: loop
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0305", 4, 15);
        Assert.Contains("loop -> loop", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0306_a_called_workflow_with_errors_is_named()
    {
        var result = Build(("flows/ship.workflow.yaml", Child.Replace("action: fetch", "action: fetchh")), ("flows/main.workflow.yaml", """
            name: main
            steps:
              - id: ship
                workflow: ship-order
                with: { order_id: o-1 }
            """));

        Single(result, "WF0003", "ship.workflow.yaml", 9, 13);
        var diagnostic = Single(result, "WF0306", "main.workflow.yaml", 4, 15);
        Assert.Equal("Step 'ship' runs workflow 'ship-order', which has errors (see ship.workflow.yaml). Fix those first.", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0006_a_step_cannot_have_both_action_and_workflow()
    {
        var result = Build(("flows/ship.workflow.yaml", Child), ("flows/main.workflow.yaml", """
            name: main
            steps:
              - id: ship
                action: build
                workflow: ship-order
            """));

        var diagnostic = Single(result, "WF0006", "main.workflow.yaml", 5, 15);
        Assert.Contains("has both 'action' and 'workflow'", diagnostic.GetMessage());
    }
}
