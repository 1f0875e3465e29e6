using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// Type names written in YAML are resolved by walking namespaces and nested types one segment at a time, and
/// names past the limits are refused with WF0112 instead of being searched (they once stalled the compiler).
/// </summary>
public sealed class TypeNameTests
{
    private static string Nested(int depth)
    {
        // namespace Deep { public class N0 { public class N1 { ... public class Leaf {} } } }
        var open = string.Concat(Enumerable.Range(0, depth).Select(i => $"public class N{i} {{ "));
        var close = new string('}', depth);
        return "namespace Deep { " + open + "public class Leaf { public int Value { get; set; } } " + close + " }";
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void Nested_types_resolve_at_any_depth_within_the_limit(int depth)
    {
        var type = "Deep." + string.Concat(Enumerable.Range(0, depth).Select(i => $"N{i}.")) + "Leaf";
        var yaml = $"name: f\ninputs:\n  x: '{type}[]'\nsteps:\n  - id: a\n    action: build\n";
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, Nested(depth) }, new[] { ("f.workflow.yaml", yaml) });

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains("global::" + type + "[]", result.GeneratedSource("TestApp.FWorkflow.g.cs") ?? string.Empty);
    }

    [Fact]
    public void An_unknown_type_is_still_WF0108()
        => DiagnosticAssert.SingleError(WorkflowTestHost.Build(TestSources.Actions, ("f.workflow.yaml", "name: f\ninputs:\n  x: Deep.Missing[]\nsteps:\n  - id: a\n    action: build\n")), "WF0108", 3, 6);

    [Theory]
    [InlineData(1000, 0)]
    [InlineData(8000, 0)]
    [InlineData(0, 9)]
    [InlineData(0, 100000)]
    public void Names_past_the_limits_are_WF0112_for_inputs(int segments, int ranks)
    {
        var name = (segments > 0 ? string.Join(".", Enumerable.Repeat("X", segments)) : "int") + string.Concat(Enumerable.Repeat("[]", ranks));
        var result = WorkflowTestHost.Build(TestSources.Actions, ("f.workflow.yaml", $"name: f\ninputs:\n  x: {name}\nsteps:\n  - id: a\n    action: build\n"));

        var message = DiagnosticAssert.SingleError(result, "WF0112", 3, 6).GetMessage();
        Assert.True(message.Length < 400, message);
        Assert.Contains(ranks > 0 ? $"nests {ranks} arrays" : $"is {name.Length} characters long", message);
    }

    [Fact]
    public void Eight_array_ranks_are_allowed()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("f.workflow.yaml", "name: f\ninputs:\n  x: 'int[][][][][][][][]'\nsteps:\n  - id: a\n    action: build\n"));
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void Names_past_the_limits_are_WF0112_in_retry_on()
    {
        var name = string.Join(".", Enumerable.Repeat("System", 600));
        var result = WorkflowTestHost.Build(TestSources.Actions, ("f.workflow.yaml", $"name: f\nsteps:\n  - id: a\n    action: build\n    retry:\n      max_attempts: 2\n      on: [{name}]\n"));
        DiagnosticAssert.SingleError(result, "WF0112", 7, 12);
    }

    [Fact]
    public void Names_past_the_limits_are_WF0112_in_json_context()
    {
        var name = string.Join(".", Enumerable.Repeat("App", 600));
        var result = WorkflowTestHost.Build(TestSources.Actions, ("f.workflow.yaml", $"name: f\ndurable: true\njson_context: {name}\nsteps:\n  - id: a\n    action: build\n"));
        DiagnosticAssert.SingleError(result, "WF0112", 3, 15);
    }
}
