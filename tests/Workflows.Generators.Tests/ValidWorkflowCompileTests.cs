using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// Valid workflows that once generated code that did not compile (or compiled with a warning): each must now
/// pass the analyzer with no diagnostic and compile with no error and no warning.
/// </summary>
public sealed class ValidWorkflowCompileTests
{
    private const string Context = """
        namespace TestApp
        {
            [System.Text.Json.Serialization.JsonSerializable(typeof(Order))]
            public sealed partial class ShopJson : System.Text.Json.Serialization.JsonSerializerContext
            {
                public ShopJson() : base(null) { }
                public static ShopJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }

            public static class ContextActions
            {
                [Workflows.WorkflowAction("ctx.note")]
                public static void Note(string text, Workflows.StepContext context) { }

                [Workflows.WorkflowAction("list.async")]
                public static System.Threading.Tasks.Task<string[]> NamesAsync() => System.Threading.Tasks.Task.FromResult(new[] { "a" });
            }
        }
        """;

    internal static void AssertCompilesCleanly(BuildResult result)
    {
        Assert.Empty(result.AnalyzerExceptions);
        Assert.True(!result.WorkflowDiagnostics.Any(), "WF diagnostics: " + string.Join("\n", result.WorkflowDiagnostics));
        var problems = StrictCompilation.GeneratedCodeProblems(result);
        Assert.True(problems.IsEmpty, string.Join("\n", problems) + "\n" + string.Join("\n//----\n", result.Generator.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString())));
    }

    private static BuildResult Build(params (string Path, string Text)[] files)
        => WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, files);

    [Fact]
    public void An_on_failure_step_whose_action_takes_a_step_context()
    {
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: ctx
            steps:
              - id: a
                action: build
            on_failure:
              - id: note
                action: ctx.note
                with: { text: "failed" }
            """)));
    }

    [Fact]
    public void A_durable_on_failure_step_whose_action_takes_a_step_context()
    {
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: ctx
            json_context: TestApp.ShopJson
            steps:
              - id: a
                action: build
            on_failure:
              - id: note
                action: ctx.note
                with: { text: "failed" }
            """)));
    }

    [Fact]
    public void A_workflow_step_with_foreach_over_a_step_output()
    {
        // A sibling step makes the concurrent shape, which keeps only the outputs some code reads.
        AssertCompilesCleanly(Build(
            ("child.workflow.yaml", """
                name: child
                inputs:
                  name: string
                steps:
                  - id: a
                    action: take.string
                    with: { value: "${{ inputs.name }}" }
                """),
            ("parent.workflow.yaml", """
                name: parent
                steps:
                  - id: list
                    action: list.async
                  - id: other
                    action: build
                  - id: each
                    workflow: child
                    foreach: ${{ steps.list.output }}
                    max_parallel: 2
                    with: { name: "${{ item }}" }
                """)));
    }

    [Fact]
    public void A_yaml_list_as_the_default_of_a_string_array_input()
    {
        AssertCompilesCleanly(Build(("d.workflow.yaml", """
            name: defaults
            inputs:
              names: { type: "string[]", default: [a, "b c"] }
            outputs:
              count: ${{ length(inputs.names) }}
            steps:
              - id: a
                action: take.int
                with: { value: "${{ length(inputs.names) }}" }
            """)));
    }

    [Fact]
    public void A_durable_true_workflow_has_no_unreachable_code()
    {
        AssertCompilesCleanly(Build(("d.workflow.yaml", """
            name: durable
            json_context: TestApp.ShopJson
            durable: true
            steps:
              - id: a
                action: build
            """)));
    }

    [Theory]
    [InlineData("Inputs")]
    [InlineData("Outputs")]
    [InlineData("ToString")]
    [InlineData("to_string")]
    [InlineData("Equals")]
    [InlineData("GetHashCode")]
    [InlineData("Clone")]
    [InlineData("EqualityContract")]
    [InlineData("PrintMembers")]
    [InlineData("GetType")]
    [InlineData("MemberwiseClone")]
    [InlineData("Finalize")]
    [InlineData("ReferenceEquals")]
    [InlineData("Deconstruct")]
    public void An_input_and_an_output_named_like_a_record_member(string name)
    {
        var result = Build(("m.workflow.yaml", $$$"""
            name: members
            inputs:
              {{{name}}}: { type: string, default: x }
              {{{name}}}Value: string
            outputs:
              {{{name}}}: ${{ inputs.{{{name}}} }}
              {{{name}}}Value: ${{ steps.a.output }}
            steps:
              - id: a
                action: deploy.test
            """));

        AssertCompilesCleanly(result);
        var source = result.GeneratedSource("MembersWorkflow.g.cs")!;
        // The C# member is the name with 'Value' appended; the next one then gets a number.
        var pascal = Common.Identifiers.ToPascalCase(name);
        Assert.Contains($"public string {pascal}Value {{ get; init; }} = \"x\";", source);
        Assert.Contains($"public string? {pascal}Value2 {{ get; init; }}", source);
    }

    [Theory]
    [InlineData("TestApp.WorkflowRegistrations", "TestApp.WorkflowRegistrations")]
    [InlineData("TestApp.WorkflowRegistrations.Inner", "TestApp.WorkflowRegistrations")]
    [InlineData("TestApp.OtherWorkflow", "TestApp.OtherWorkflow")]
    public void WF0014_a_namespace_that_is_a_generated_class(string ns, string type)
    {
        var result = Build(
            ("n.workflow.yaml", $"name: registered\nnamespace: {ns}\nsteps:\n  - id: a\n    action: build\n"),
            ("o.workflow.yaml", "name: other\nsteps:\n  - id: a\n    action: build\n"));

        Assert.Empty(result.AnalyzerExceptions);
        var error = Assert.Single(result.WorkflowDiagnostics);
        Assert.Equal("WF0014", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal((1, 11), (error.Location.GetLineSpan().StartLinePosition.Line, error.Location.GetLineSpan().StartLinePosition.Character));
        Assert.Equal($"namespace '{ns}' is also the name of the generated type '{type}'; C# cannot have both. Choose another namespace.", error.GetMessage());
    }

    [Fact]
    public void A_namespace_that_only_starts_like_a_generated_class_compiles()
    {
        AssertCompilesCleanly(Build(("n.workflow.yaml", "name: registered\nnamespace: TestApp.WorkflowRegistrationsX\nsteps:\n  - id: a\n    action: build\n")));
    }

    [Fact]
    public void Null_coalescing_null_with_null()
    {
        AssertCompilesCleanly(Build(("n.workflow.yaml", """
            name: nulls
            steps:
              - id: a
                action: typed
                with: { number: 1, flag: true, ratio: 1, amount: 1, text: "${{ null ?? null }}", letter: x, color: red, big: 1 }
              - id: b
                action: take.string
                with: { value: "v ${{ null ?? null }} w" }
              - id: c
                action: take.string
                with: { value: "${{ null ?? 'x' }}" }
            """)));
    }

    [Fact]
    public void The_smallest_long_minus_one_inside_an_interpolation()
    {
        var result = Build(("n.workflow.yaml", """
            name: big
            steps:
              - id: a
                action: take.string
                with: { value: "v ${{ -9223372036854775809 }} ${{ -9223372036854775808 }} ${{ 18446744073709551616 }} ${{ - -2147483648 }} ${{ 1e300 }}" }
              - id: b
                action: take.long
                with: { value: "${{ -9223372036854775808 }}" }
              - id: c
                action: take.object
                with: { value: "${{ 123456789012345678901234567890123 }}" }
            """));
        AssertCompilesCleanly(result);
    }

    [Fact]
    public void A_number_beyond_a_double_is_a_WF_error_not_a_compiler_error()
    {
        var result = Build(("n.workflow.yaml", """
            name: huge
            steps:
              - id: a
                action: take.string
                with: { value: "v ${{ 1e400 }}" }
            """));
        var error = DiagnosticAssert.SingleError(result, "WF0110", 5, 27);
        Assert.Contains("The number 1e400 is out of the range of a double.", error.GetMessage(), StringComparison.Ordinal);
    }
}
