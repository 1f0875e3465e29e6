using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>WF0001: each cycle once, at the entry that closes it in file order, and edges made by expressions named as such.</summary>
public sealed class CycleDiagnosticTests
{
    private static BuildResult Build(string yaml) => WorkflowTestHost.Build(TestSources.Actions, ("c.workflow.yaml", yaml));

    [Fact]
    public void An_edge_made_by_an_expression_is_named_as_such()
    {
        var result = Build("""
            name: implicit
            steps:
              - id: load
                action: orders.load
                depends_on: show
                with: { id: x }
              - id: show
                action: take.decimal
                with: { value: "${{ steps.load.output.Total }}" }
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0001", 9, 20);
        Assert.Single(result.WorkflowDiagnostics);
        Assert.Equal(
            "Steps form a dependency cycle: show -> load (an expression of 'show' reads steps.load) -> show. "
            + "Remove one of these depends_on entries or reads: a step that reads steps.<id> in an expression depends on that step.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void Two_cycles_through_the_same_steps_are_each_reported_once_at_their_own_closing_entry()
    {
        // a -> b -> c -> a and b -> c -> b share b and c: c's entries close both.
        var result = Build("""
            name: twice
            steps:
              - id: a
                action: build
                depends_on: [b]
              - id: b
                action: take.int
                depends_on: [c]
                with: { value: 1 }
              - id: c
                action: build
                depends_on: [a, b]
            """);

        var cycles = result.WorkflowDiagnostics.Where(d => d.Id == "WF0001").Select(d => d.GetMessage()).ToList();
        Assert.Equal(new[]
        {
            "Steps form a dependency cycle: c -> a -> b -> c. Remove one of these depends_on entries.",
            "Steps form a dependency cycle: c -> b -> c. Remove one of these depends_on entries.",
        }, cycles.OrderBy(m => m, System.StringComparer.Ordinal));
    }
}
