using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>
/// The words of WF0001: the cycle's path, where an edge that no <c>depends_on</c> wrote (a step reads another's
/// output in an expression) says so, since the reader will not find it among the <c>depends_on</c> entries.
/// </summary>
internal static class CycleDescription
{
    /// <param name="cycle">Step indexes, first and last the same; each step depends on the next.</param>
    public static (string Path, string Advice) Describe(IReadOnlyList<int> cycle, EquatableArray<StepDocument> steps)
    {
        var parts = new List<string> { steps[cycle[0]].Id.Value };
        var implicitEdges = 0;
        for (var i = 0; i + 1 < cycle.Count; i++)
        {
            var (from, to) = (steps[cycle[i]], steps[cycle[i + 1]]);
            if (from.DependsOn.Any(d => d.Value == to.Id.Value))
            {
                parts.Add(to.Id.Value);
            }
            else
            {
                implicitEdges++;
                parts.Add($"{to.Id.Value} (an expression of '{from.Id.Value}' reads steps.{to.Id.Value})");
            }
        }

        var advice = implicitEdges == 0
            ? "Remove one of these depends_on entries."
            : implicitEdges == cycle.Count - 1
                ? "Remove one of these reads: a step that reads steps.<id> in an expression depends on that step."
                : "Remove one of these depends_on entries or reads: a step that reads steps.<id> in an expression depends on that step.";
        return (string.Join(" -> ", parts), advice);
    }
}
