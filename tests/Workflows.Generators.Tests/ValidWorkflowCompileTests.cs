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
    private static readonly string Context = $$"""
        namespace TestApp
        {
            {{TestSources.JsonContext("ShopJson", "Order")}}

            public static class ContextActions
            {
                [Workflows.WorkflowAction("ctx.note")]
                public static void Note(string text, Workflows.StepContext context) { }

                [Workflows.WorkflowAction("maybe.text")]
                public static string? MaybeText(string? text) => text;

                [Workflows.WorkflowAction("sure.text")]
                public static int SureText(string text) => text.Length;

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
    public void A_maybe_null_action_output_passed_to_a_parameter_that_takes_no_null()
    {
        // found by the 5000-workflow mutation run (seed 687): CS8604 on the generated call.
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: maybe
            steps:
              - id: a
                action: maybe.text
                with: { text: x }
              - id: b
                action: sure.text
                with: { text: "${{ steps.a.output }}" }
            """)));
    }

    /// <summary>
    /// A '??' whose fallback may be null may be null itself (mutation run, seed 20134: CS8604 on
    /// <c>Keyword(@class: (inputs.X ?? inputs.X))</c>). Each is passed to a parameter that takes no null, read
    /// by a function, or returned as an output.
    /// </summary>
    [Theory]
    [InlineData("take.string", "value", "inputs.a ?? inputs.b")]                 // both optional, no default (CS8604)
    [InlineData("take.string", "value", "inputs.a ?? null")]                     // the null literal as the fallback (CS8604)
    [InlineData("take.string", "value", "steps.m.output ?? inputs.b")]           // a maybe-null output, then an optional input (CS8604)
    [InlineData("take.string", "value", "steps.o.output.Customer.Email ?? inputs.b")] // a nullable member, then an optional input (CS8604)
    [InlineData("take.int", "value", "length(inputs.a ?? inputs.b)")]           // a function over it (CS8602)
    [InlineData("take.bool", "value", "contains(inputs.a ?? inputs.b, 'x')")]   // (CS8602)
    public void A_coalesce_whose_fallback_may_be_null(string action, string parameter, string expression)
    {
        AssertCompilesCleanly(Build(("f.workflow.yaml", $$$"""
            name: coalesce
            inputs:
              a: { type: string }
              b: { type: string }
            steps:
              - id: m
                action: maybe.text
                with: { text: x }
              - id: o
                action: orders.load
                with: { id: o-1 }
              - id: g
                action: fetch
                if: "${{ steps.o.output.Customer.Id != null }}"
                with: { orderId: "o-2" }
              - id: t
                action: {{{action}}}
                depends_on: [m, g]
                if: "${{ always() }}"
                with: { {{{parameter}}}: "${{ {{{expression}}} }}" }
            """)));
    }

    [Fact]
    public void A_coalesce_whose_fallback_is_a_read_compared_with_null_in_an_if()
    {
        // CS8604 before: C#'s flow analysis knows 'oOutput.Customer.Id' as maybe-null after g's if:, and the
        // '??' may yield it (as a bare read, seed 1579, already got '!').
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: coalesce
            steps:
              - id: o
                action: orders.load
                with: { id: o-1 }
              - id: g
                action: fetch
                if: "${{ steps.o.output.Customer.Id != null }}"
                with: { orderId: "o-2" }
              - id: t
                action: take.string
                depends_on: [g]
                if: "${{ always() }}"
                with: { value: "${{ steps.g.output ?? steps.o.output.Customer.Id }}" }
            """)));
    }

    /// <summary>
    /// A reference declared non-null, tested for null ('== null', '!= null', '??') in one step, then dereferenced
    /// in a later one of the same method: C#'s flow analysis took it for maybe-null after the test (CS8602).
    /// </summary>
    [Theory]
    [InlineData("if: \"${{ steps.o.output.Customer != null }}\"", "take.int", "length(steps.o.output.Customer.Id)")]
    [InlineData("if: \"${{ steps.o.output.Customer == null }}\"", "take.bool", "contains(steps.o.output.Customer.Id, 'a')")]
    [InlineData("if: \"${{ null != steps.o.output.Lines }}\"", "take.string", "steps.o.output.Lines[0]")]
    [InlineData("if: \"${{ inputs.s != null }}\"", "take.int", "length(inputs.s)")]
    [InlineData("with: { value: \"${{ inputs.s ?? 'x' }}\" }", "take.int", "length(inputs.s)")]
    [InlineData("with: { value: \"${{ steps.o.output.Customer.Id ?? 'x' }}\" }", "take.bool", "startsWith(steps.o.output.Customer.Id, 'c')")]
    public void A_null_test_leaves_a_reference_non_null_for_later_steps(string test, string action, string expression)
    {
        AssertCompilesCleanly(Build(("f.workflow.yaml", $$$"""
            name: tested
            inputs:
              s: { type: string, required: true }
            steps:
              - id: o
                action: orders.load
                with: { id: o-1 }
              - id: a
                action: take.string
                depends_on: [o]
                {{{(test.StartsWith("if", StringComparison.Ordinal) ? test + "\n    with: { value: x }" : test)}}}
              - id: b
                action: {{{action}}}
                depends_on: [a]
                with: { value: "${{ {{{expression}}} }}" }
            """)));
    }

    [Fact]
    public void An_output_whose_coalesce_may_be_null_is_nullable()
    {
        // CS8601 before: the output's property was a 'string' given a maybe-null value.
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: coalesce
            inputs:
              a: { type: string }
              b: { type: string }
            steps:
              - id: t
                action: build
            outputs:
              out: "${{ inputs.a ?? inputs.b }}"
            """)));
    }

    [Fact]
    public void The_length_of_a_member_that_may_be_null()
    {
        // CS8602 before (mutation run, seed 80): Customer.Email is 'string?'.
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: len
            steps:
              - id: a
                action: orders.load
                with: { id: o-1 }
              - id: b
                action: deploy.test
                with: { count: "${{ length(steps.a.output.Customer.Email) }}" }
            """)));
    }

    [Fact]
    public void The_null_literal_passed_to_a_parameter_that_takes_no_null()
    {
        // CS8625 on the generated call before.
        AssertCompilesCleanly(Build(("f.workflow.yaml", """
            name: nothing
            steps:
              - id: b
                action: sure.text
                with: { text: "${{ null }}" }
            """)));
    }

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

    [Theory]
    [InlineData("false")]
    [InlineData("${{ false }}")]
    [InlineData("${{ !true }}")]
    [InlineData("${{ 1 >= 2 }}")]
    [InlineData("${{ success() && false }}")]
    public void A_constant_false_condition_leaves_no_unreachable_code(string condition)
    {
        // Found by RandomWorkflowCompileTests: 'if (false)' around a step's call is warning CS0162.
        AssertCompilesCleanly(Build(("c.workflow.yaml", $"name: constant\nsteps:\n  - id: a\n    action: build\n    if: \"{condition}\"\n  - id: b\n    action: deploy.test\n    with: {{ count: 2 }}\n    if: \"{condition}\"\n")));
    }

    [Fact]
    public void Arithmetic_on_constants_that_overflows_compiles_and_runs_like_any_other()
    {
        // Found by RandomWorkflowCompileTests: C# folds constants, and an overflow there is error CS0220 (or CS0463 for decimal).
        AssertCompilesCleanly(Build(("c.workflow.yaml", """
            name: overflow
            steps:
              - id: a
                action: take.int
                with: { value: "${{ 2147483647 + 7 }}" }
              - id: b
                action: take.decimal
                with: { value: "${{ 79228162514264337593543950335 + 1 }}" }
              - id: c
                action: take.long
                with: { value: "${{ -(-9223372036854775808 - 1) }}" }
            """)));
    }

    [Fact]
    public void Interpolated_text_with_line_separators_braces_and_parentheses()
    {
        // Found by RandomWorkflowCompileTests: U+2028 (and U+2029, U+0085) ends a line in C#, so an interpolated
        // string with it raw did not compile; a ')' in a string hole confused the escaping of the text after it.
        var result = Build(("i.workflow.yaml", """
            name: text
            inputs:
              s: { type: string, default: x }
            steps:
              - id: a
                action: take.string
                with: { value: "a\u2028b\u2029c\u0085d\r\t\"e\\ {(x)} {{ ${{ ')' }} \" ${{ inputs.s + '(' }} } ${{ '{(' }}" }
            """));
        AssertCompilesCleanly(result);
        Assert.Contains("$\"a\\u2028b\\u2029c\\u0085d\\r\\t\\\"e\\\\ {{(x)}} {{{{ {(\")\")} \\\" ", result.GeneratedSource("TextWorkflow.g.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TestApp._")]
    [InlineData("TestApp.var")]
    [InlineData("TestApp.await.Flows")]
    [InlineData("nameof")]
    [InlineData("TestApp.dynamic")]
    public void WF0009_a_namespace_part_the_generated_code_uses_as_a_word(string ns)
    {
        // Found by RandomWorkflowCompileTests: in namespace 'X._', '_ = ...' names the namespace (CS0118); in
        // 'X.await', 'global::X.await.Y' inside an async method is CS4003.
        var result = Build(
            ("c.workflow.yaml", $"name: child\nnamespace: {ns}\nsteps:\n  - id: a\n    action: deploy.test\n"),
            ("p.workflow.yaml", "name: parent\nsteps:\n  - id: a\n    workflow: child\n"));

        var error = result.WorkflowDiagnostics.First(d => d.Id == "WF0009");
        Assert.Equal((1, 11), (error.Location.GetLineSpan().StartLinePosition.Line, error.Location.GetLineSpan().StartLinePosition.Character));
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void A_yaml_list_for_an_array_input_of_a_called_workflow()
    {
        // Found by RandomWorkflowCompileTests: a workflow: step's with: refused lists for array inputs (WF0012).
        var result = Build(
            ("c.workflow.yaml", "name: child\ninputs:\n  names: { type: \"string[]\", required: true }\n  numbers: \"int[]\"\nsteps:\n  - id: a\n    action: take.int\n    with: { value: \"${{ length(inputs.names) }}\" }\n"),
            ("p.workflow.yaml", "name: parent\ninputs:\n  n: string\nsteps:\n  - id: a\n    workflow: child\n    with: { names: [a, \"${{ inputs.n ?? 'x' }}\"], numbers: [] }\n"));
        AssertCompilesCleanly(result);
        Assert.Contains("new global::TestApp.ChildWorkflow.Inputs { Names = new string[] { \"a\", (inputs.N ?? \"x\") }, Numbers = global::System.Array.Empty<int>() }", result.GeneratedSource("ParentWorkflow.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_foreach_step_with_a_timeout_whose_id_is_item()
    {
        // Found by RandomWorkflowCompileTests (seed 4878 of 5000): the per-item attempts local was 'itemAttempts',
        // which hid the attempts field of the step 'item' (CS0649).
        AssertCompilesCleanly(Build(("i.workflow.yaml", """
            name: items
            steps:
              - id: load
                action: orders.load
                with: { id: x }
              - id: other
                action: build
              - id: item
                foreach: ${{ steps.load.output.Lines }}
                max_parallel: 2
                action: take.string
                with: { value: "${{ item }}" }
                timeout: 1m
            """)));
    }

    [Fact]
    public void String_functions_on_an_optional_string_input()
    {
        // Found by RandomWorkflowCompileTests (seed 4497 of 5000): contains() on an optional string input without
        // a default (a string?) dereferenced it: CS8602.
        AssertCompilesCleanly(Build(("s.workflow.yaml", """
            name: optional
            inputs:
              note: string
            steps:
              - id: a
                action: build
                if: "${{ contains(inputs.note, 'x') || startsWith(inputs.note, 'y') || endsWith('z', inputs.note) }}"
            """)));
    }
}
