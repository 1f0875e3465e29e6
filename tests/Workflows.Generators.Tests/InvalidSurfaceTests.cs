using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// A workflow file with errors still gives C# its class (members that throw, under an [Obsolete] that names the
/// file's first error), so the app's code that uses it compiles and each use points at the YAML problem.
/// </summary>
public sealed class InvalidSurfaceTests
{
    /// <summary>App code using every part of the surface a typical app uses.</summary>
    private const string App = """
        using System.Threading.Tasks;

        namespace TestApp;

        public static class App
        {
            public static async Task<string> UseAsync(Notifier notifier)
            {
                var workflow = new OrderFlowWorkflow(notifier);
                var outputs = await workflow.RunAsync(new OrderFlowWorkflow.Inputs { OrderId = "o-1", Count = 2, Label = "x" });
                var report = await workflow.RunWithReportAsync(new OrderFlowWorkflow.Inputs { OrderId = "o-2" });
                _ = OrderFlowWorkflow.Plan(new OrderFlowWorkflow.Inputs { OrderId = "o-3" });
                _ = OrderFlowWorkflow.Registration;
                return outputs.Total.ToString() + outputs.Email + report.Outputs.Total + OrderFlowWorkflow.WorkflowName + WorkflowRegistrations.All.Count;
            }
        }
        """;

    /// <summary>
    /// Three independent errors: the input 'label' names no type (line 7), the output 'email' reads a misspelt member
    /// (line 10), the step 'pack' a misspelt action (line 18).
    /// </summary>
    private const string Workflow = """
        name: order-flow
        inputs:
          order_id: { type: string, required: true }
          count:
            type: int
            default: 1
          label: Strnig
        outputs:
          total: ${{ steps.load.output.Total }}
          email: ${{ steps.load.output.Customer.Emial }}
        steps:
          - id: load
            action: orders.load
            with: { id: "${{ inputs.order_id }}" }
          - id: notify
            action: notify
            with: { message: done }
          - id: pack
            action: biuld
        """;

    [Fact]
    public void App_code_using_an_invalid_workflow_compiles_and_each_use_points_at_the_first_yaml_error()
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, App }, new[] { ("flows/order.workflow.yaml", Workflow) });

        Assert.Contains(result.WorkflowDiagnostics, d => d.Id == "WF0003");
        Assert.Empty(result.CompilerErrors);
        var obsolete = result.CompilerDiagnostics.Where(d => d.Id == "WF0020").ToList();
        Assert.NotEmpty(obsolete);
        Assert.All(obsolete, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.All(obsolete, d => Assert.Equal("Source1.cs", d.Location.GetLineSpan().Path));

        // The first error in file order: the unknown input type on line 7, then how many more.
        var message = obsolete[0].GetMessage();
        Assert.Contains("flows/order.workflow.yaml(7,10): WF0108: ", message, StringComparison.Ordinal);
        Assert.Contains("more errors in this file", message, StringComparison.Ordinal);

        // Nothing but the app's uses warns: the generated code compiles clean.
        Assert.DoesNotContain(result.CompilerDiagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Members_are_typed_where_binding_could_type_them_and_object_where_not()
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("order.workflow.yaml", Workflow) });

        var generated = result.GeneratedSource("OrderFlowWorkflow.g.cs");
        Assert.NotNull(generated);
        Assert.Contains("[global::System.Obsolete(\"order.workflow.yaml(7,10): WF0108: ", generated, StringComparison.Ordinal);
        Assert.Contains("DiagnosticId = \"WF0020\")]", generated, StringComparison.Ordinal);
        Assert.Contains("public required string OrderId { get; init; }", generated, StringComparison.Ordinal);
        Assert.Contains("public int Count { get; init; } = 1;", generated, StringComparison.Ordinal);
        Assert.Contains("public object? Label { get; init; }", generated, StringComparison.Ordinal);
        Assert.Contains("public required decimal Total { get; init; }", generated, StringComparison.Ordinal);
        Assert.Contains("public object? Email { get; init; }", generated, StringComparison.Ordinal);
        Assert.Contains("public OrderFlowWorkflow(global::TestApp.Notifier host0, global::Workflows.WorkflowOptions? options = null)", generated, StringComparison.Ordinal);
        Assert.Contains("=> throw NotGenerated();", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_the_surface_throws_with_the_yaml_error()
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("order.workflow.yaml", Workflow) });
        var generated = result.GeneratedSource("OrderFlowWorkflow.g.cs")!;

        Assert.Contains("new(\"Workflow '\" + WorkflowName + \"' was not generated, its file has errors: \" + \"order.workflow.yaml(7,10): WF0108: ", generated, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\u0085")] // NEL
    [InlineData("\\u2028")] // line separator
    [InlineData("\\u2029")] // paragraph separator
    [InlineData("\\r\\n")]
    public void An_error_quoting_a_line_terminator_of_the_file_stays_in_its_comment_and_its_literal(string terminator)
    {
        // The first error quotes the input's default, which holds a character C# ends a line at (mutant 71332).
        var text = "name: quoting\ninputs:\n  count:\n    type: int\n    default: \"1" + terminator + "Outputs\"\nsteps:\n  - id: a\n    action: build\n";
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("q.workflow.yaml", text) });

        Assert.Contains(result.WorkflowDiagnostics, d => d.Id == "WF0012");
        Assert.NotNull(result.GeneratedSource("QuotingWorkflow.g.cs"));
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void A_file_that_is_not_yaml_produces_no_code()
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("bad.workflow.yaml", "name: broken\nsteps: [\n  - id: a\n") });

        Assert.Contains(result.WorkflowDiagnostics, d => d.Id == "WF0005");
        Assert.Empty(result.Generator.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Two_files_claiming_one_class_get_no_surface()
    {
        const string Text = "name: same\nsteps:\n  - id: a\n    action: build\n";
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("a.workflow.yaml", Text), ("b.workflow.yaml", Text) });

        Assert.Contains(result.WorkflowDiagnostics, d => d.Id == "WF0007");
        Assert.Null(result.GeneratedSource("SameWorkflow.g.cs"));
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void A_misspelt_action_of_an_instance_host_still_lets_the_app_pass_the_host()
    {
        const string Text = "name: notify-only\nsteps:\n  - id: a\n    action: notfy\n    with: { message: hi }\n";
        const string Code = "namespace TestApp; public static class Use { public static object Make(Notifier n) => new NotifyOnlyWorkflow(n); public static object Make2() => new NotifyOnlyWorkflow(); public static object Make3() => new NotifyOnlyWorkflow(options: null); }";
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, Code }, new[] { ("n.workflow.yaml", Text) });

        Assert.Contains(result.WorkflowDiagnostics, d => d.Id == "WF0003");
        Assert.Empty(result.CompilerErrors);
    }
}
