using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>The data-flow diagnostics (WF01xx), each at the exact column of the offending token.</summary>
public sealed class ExpressionDiagnosticTests
{
    private const string Header = """
        name: flow
        inputs:
          i: int
          l: long
          d: decimal
          s: string
          b: bool
          c: TestApp.Customer
          t: string[]
          when: DateTimeOffset
        steps:
          - id: load
            action: orders.load
            with: { id: x }

        """;

    // The first line a test adds is line 15.
    private static BuildResult Build(string steps, string outputs = "")
        => WorkflowTestHost.Build(TestSources.Actions, ("flow.workflow.yaml", Header + steps + outputs));

    private static string Take(string action, string value)
        => $"  - id: t\n    action: {action}\n    with: {{ value: \"{value}\" }}\n";

    [Fact]
    public void WF0101_unknown_input_with_suggestion()
        => Assert.Equal("The workflow has no input 'C'. Did you mean 'c'?",
            DiagnosticAssert.SingleError(Build(Take("take.customer", "${{ inputs.C }}")), "WF0101", 17, 32).GetMessage());

    [Fact]
    public void WF0102_unknown_step_with_suggestion()
        => Assert.Equal("The workflow has no step 'lod'. Did you mean 'load'?",
            DiagnosticAssert.SingleError(Build(Take("take.string", "${{ steps.lod.output.Id }}")), "WF0102", 17, 31).GetMessage());

    [Fact]
    public void WF0103_unknown_member_with_suggestion()
        => Assert.Equal("'Order' has no member 'Totl'. Did you mean 'Total'?",
            DiagnosticAssert.SingleError(Build(Take("take.decimal", "${{ steps.load.output.Totl }}")), "WF0103", 17, 43).GetMessage());

    [Fact]
    public void WF0104_type_mismatch_names_both_types()
        => Assert.Equal("Step 't': parameter 'value' is of type 'int', but the expression is of type 'string'",
            DiagnosticAssert.SingleError(Build(Take("take.int", "${{ inputs.s }}")), "WF0104", 17, 20).GetMessage());

    [Fact]
    public void WF0105_syntax_error_at_the_bad_token()
        => Assert.Equal("Expression syntax error: Unexpected character '*'.",
            DiagnosticAssert.SingleError(Build(Take("take.int", "${{ inputs.i + * }}")), "WF0105", 17, 36).GetMessage());

    /// <summary>
    /// A constant negative index, in every place an expression can be (mutation run, seed 20446: accepted, then
    /// C# warned CS0251 on 'x[-1]'). The diagnostic is at the index itself (after the '[').
    /// </summary>
    [Theory]
    [InlineData("  - id: t\n    action: take.string\n    with: { value: \"${{ inputs.t[-1] }}\" }\n", "")]                         // with:
    [InlineData("  - id: t\n    action: take.string\n    with: { value: \"a ${{ inputs.t[-1] }} b\" }\n", "")]                     // text with an expression in it
    [InlineData("  - id: t\n    action: take.int\n    with: { value: \"${{ length(steps.load.output.Lines[-(2)]) }}\" }\n", "")] // a function's argument; a negated parenthesized literal
    [InlineData("  - id: t\n    action: take.string\n    with: { value: \"${{ inputs.t[null ?? -1] ?? 'x' }}\" }\n", "")]       // behind '??'
    [InlineData("  - id: t\n    action: build\n    if: ${{ inputs.t[-1] == 'a' }}\n", "")]                                          // if:
    [InlineData("  - id: t\n    action: take.string\n    foreach: ${{ inputs.t[-1] }}\n    max_parallel: 1\n    with: { value: x }\n", "")] // foreach:
    [InlineData("  - id: t\n    action: build\n    compensate:\n      action: take.string\n      with: { value: \"${{ inputs.t[-3] }}\" }\n", "")] // compensate:
    [InlineData("", "outputs:\n  o: ${{ inputs.t[-1] }}\n")]                                                                        // outputs:
    [InlineData("", "on_failure:\n  - id: f\n    action: take.string\n    with: { value: \"${{ inputs.t[-1] }}\" }\n")] // on_failure:
    public void WF0113_a_constant_negative_index_everywhere(string steps, string outputs)
    {
        var text = Header + steps + outputs;
        var marker = System.Text.RegularExpressions.Regex.Match(text, @"\[(?=-|null)").Index + 1;
        var line = text.Substring(0, marker).Count(c => c == '\n') + 1;
        var column = marker - text.LastIndexOf('\n', marker - 1);
        var error = DiagnosticAssert.SingleError(WorkflowTestHost.Build(TestSources.Actions, ("flow.workflow.yaml", text)), "WF0113", line, column);
        Assert.StartsWith("Index -", error.GetMessage(), System.StringComparison.Ordinal);
        Assert.Contains("always out of range: arrays and lists count from 0", error.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inputs.t[0]")]
    [InlineData("inputs.t[-0]")]
    [InlineData("inputs.t[0 - 1]")] // computed at run time, like any other arithmetic: no constant for C# to warn about
    public void A_zero_or_computed_index_is_no_WF0113(string expression)
        => Assert.DoesNotContain(Build(Take("take.string", "${{ " + expression + " }}")).WorkflowDiagnostics, d => d.Id == "WF0113");

    [Fact]
    public void WF0106_condition_must_be_boolean()
        => Assert.Equal("Step 't': 'if' must be a boolean expression, but this one is of type 'int'",
            DiagnosticAssert.SingleError(Build("  - id: t\n    action: take.int\n    if: ${{ inputs.i }}\n    with: { value: 1 }\n"), "WF0106", 17, 9).GetMessage());

    [Fact]
    public void WF0107_always_step_reading_a_maybe_skipped_output()
    {
        var steps = """
              - id: maybe
                action: orders.load
                if: ${{ inputs.b }}
                with: { id: y }
              - id: t
                action: take.string
                if: always()
                with: { value: "${{ steps.maybe.output.Id }}" }
            """;

        Assert.Equal("Step 't' reads the output of step 'maybe', which may not have run (skipped, or failed under on_error: continue). Write '... ?? <fallback>' to say what to use then.",
            DiagnosticAssert.SingleError(Build(steps + "\n"), "WF0107", 22, 25).GetMessage());

        var guarded = Build(steps.Replace("steps.maybe.output.Id }}", "steps.maybe.output.Id ?? 'none' }}") + "\n");
        Assert.Empty(guarded.WorkflowDiagnostics);
        Assert.Empty(guarded.CompilerErrors);
    }

    [Fact]
    public void WF0108_unknown_input_type()
        => Assert.StartsWith("Input 'x' has type 'Nope.Missing', which names no C# type.",
            DiagnosticAssert.SingleError(WorkflowTestHost.Build(TestSources.Actions, ("f.workflow.yaml", "name: f\ninputs:\n  x: Nope.Missing\nsteps:\n  - id: a\n    action: build\n")), "WF0108", 3, 6).GetMessage());

    [Fact]
    public void WF0109_output_that_reads_nothing()
        => Assert.StartsWith("Output 'x' reads no input and no step.",
            DiagnosticAssert.SingleError(Build(string.Empty, "outputs:\n  x: hello\n"), "WF0109", 16, 6).GetMessage());

    [Fact]
    public void WF0110_operator_not_defined_for_the_types()
        => Assert.Equal("Operator '<' cannot be applied to 'string' and 'int'.",
            DiagnosticAssert.SingleError(Build("  - id: t\n    action: take.int\n    if: ${{ inputs.s < 1 }}\n    with: { value: 1 }\n"), "WF0110", 17, 22).GetMessage());

    [Fact]
    public void WF0111_step_without_output()
        => Assert.Equal("Step 'b' has no output: its action 'build' returns nothing",
            DiagnosticAssert.SingleError(Build("  - id: b\n    action: build\n" + Take("take.string", "${{ steps.b.output }}").Replace("- id: t", "- id: t2")), "WF0111", 19, 31).GetMessage());

    [Theory]
    [InlineData("inputs.i", "take.long", true)]
    [InlineData("inputs.i", "take.double", true)]
    [InlineData("inputs.i", "take.decimal", true)]
    [InlineData("inputs.i", "take.object", true)]
    [InlineData("inputs.i", "take.string", false)]
    [InlineData("inputs.i", "take.bool", false)]
    [InlineData("inputs.l", "take.int", false)]
    [InlineData("inputs.l", "take.decimal", true)]
    [InlineData("inputs.d", "take.double", false)]
    [InlineData("inputs.d", "take.decimal", true)]
    [InlineData("inputs.s", "take.object", true)]
    [InlineData("inputs.b", "take.bool", true)]
    [InlineData("inputs.b", "take.int", false)]
    [InlineData("inputs.c", "take.customer", true)]
    [InlineData("inputs.c", "take.object", true)]
    [InlineData("inputs.c", "take.string", false)]
    [InlineData("steps.load.output.Customer", "take.customer", true)]
    [InlineData("steps.load.output.Total", "take.decimal", true)]
    [InlineData("steps.load.output.Total", "take.int", false)]
    [InlineData("steps.load.output.Lines[0]", "take.string", true)]
    [InlineData("length(steps.load.output.Lines)", "take.long", true)]
    [InlineData("1.5", "take.decimal", true)]
    [InlineData("1.5", "take.int", false)]
    [InlineData("inputs.d + 1", "take.decimal", true)]
    [InlineData("inputs.d > 0.5", "take.bool", true)]
    [InlineData("contains(inputs.s, 'x')", "take.bool", true)]
    [InlineData("format('{0}-{1}', inputs.i, inputs.s)", "take.string", true)]
    [InlineData("toJson(inputs.s)", "take.string", true)]
    [InlineData("contains(inputs.t, 'x')", "take.bool", true)]
    [InlineData("inputs.t[0]", "take.string", true)]
    [InlineData("length(inputs.t)", "take.int", true)]
    [InlineData("inputs.t", "take.string", false)]
    [InlineData("inputs.when > inputs.when", "take.bool", true)]
    [InlineData("toJson(inputs.when)", "take.string", true)]
    [InlineData("toJson(inputs.d)", "take.string", true)]
    public void Type_matrix(string expression, string action, bool convertible)
    {
        var result = Build(Take(action, "${{ " + expression + " }}"));

        Assert.Empty(result.AnalyzerExceptions);
        if (convertible)
        {
            Assert.Empty(result.WorkflowDiagnostics);
            Assert.Empty(result.CompilerErrors);
        }
        else
        {
            Assert.Equal("WF0104", Assert.Single(result.WorkflowDiagnostics).Id);
        }
    }
}
