using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>The step graph: ids, depends_on and the dependencies expressions make, cycles, and the generated type's namespace and name.</summary>
internal sealed partial class WorkflowBinder
{
    /// <summary>
    /// A namespace (or one of its prefixes) that is also a generated class, such as
    /// <c>&lt;RootNamespace&gt;.WorkflowRegistrations</c> or another workflow's class: CS0101 otherwise.
    /// </summary>
    private void CheckNamespaceIsNoType(string defaultNamespace, IReadOnlyList<TypeClaim> claims)
    {
        if (_document.Namespace is not { } written)
        {
            return;
        }

        var types = claims.Select(c => c.FullName).Append(defaultNamespace + ".WorkflowRegistrations");
        var parts = written.Value.Split('.');
        for (var length = 1; length <= parts.Length; length++)
        {
            var prefix = string.Join(".", parts, 0, length);
            if (types.FirstOrDefault(t => string.Equals(t, prefix, StringComparison.Ordinal)) is { } type)
            {
                Report(DiagnosticDescriptors.NamespaceIsGeneratedType, written.Span, written.Value, type);
                return;
            }
        }
    }

    private void CheckDuplicateType(TypeClaim claim, IReadOnlyList<TypeClaim> claims)
    {
        foreach (var other in claims)
        {
            if (!string.Equals(other.FilePath, claim.FilePath, StringComparison.Ordinal)
                && string.Equals(other.FullName, claim.FullName, StringComparison.Ordinal))
            {
                Report(DiagnosticDescriptors.DuplicateWorkflowType, claim.NameSpan, claim.WorkflowName, claim.FullName, other.FilePath);
                return;
            }
        }

        // Versions side by side: runs are stored by definition name, so each version is defined once.
        foreach (var other in claims)
        {
            if ((claim.Version is not null || other.Version is not null)
                && !string.Equals(other.FilePath, claim.FilePath, StringComparison.Ordinal)
                && string.Equals(other.WorkflowName, claim.WorkflowName, StringComparison.Ordinal))
            {
                var (name, version) = Versioning.WorkflowVersion.Split(claim.WorkflowName);
                Report(DiagnosticDescriptors.DuplicateWorkflowVersion, claim.NameSpan, name, version, other.FilePath);
                return;
            }
        }
    }

    private Dictionary<string, int> IndexSteps(EquatableArray<StepDocument> steps)
    {
        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var id = steps[i].Id;
            if (indexById.TryGetValue(id.Value, out var first))
            {
                Report(DiagnosticDescriptors.DuplicateStepId, id.Span, id.Value, (steps[first].Id.Span.StartLine + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                indexById.Add(id.Value, i);
            }
        }

        return indexById;
    }

    /// <summary>
    /// A step's dependencies: its <c>depends_on</c> entries and every step its expressions read. Each comes
    /// with the span that introduced it, for WF0001.
    /// </summary>
    private (List<IReadOnlyList<int>> Dependencies, List<Dictionary<int, SourceSpan>> Spans) BindDependencies(EquatableArray<StepDocument> steps, Dictionary<string, int> indexById)
    {
        var dependencies = new List<IReadOnlyList<int>>(steps.Count);
        var spans = new List<Dictionary<int, SourceSpan>>(steps.Count);
        foreach (var step in steps)
        {
            var resolved = new List<int>(step.DependsOn.Count);
            var from = new Dictionary<int, SourceSpan>();
            foreach (var dependency in step.DependsOn)
            {
                if (indexById.TryGetValue(dependency.Value, out var index))
                {
                    Add(index, dependency.Span);
                }
                else
                {
                    var hint = NameSuggester.Hint(dependency.Value, indexById.Keys, otherwise: ".");
                    Report(DiagnosticDescriptors.UnknownDependency, dependency.Span, step.Id.Value, dependency.Value, hint);
                }
            }

            // Reading steps.X makes X a dependency. Unknown ids are reported when the expression is bound.
            var values = step.With.Select(w => (Value: w.Value, Bare: false)).ToList();
            if (step.ForEach is { } source)
            {
                values.Add((source, false));
            }

            if (step.If is { } condition)
            {
                values.Add((condition, true));
            }

            foreach (var (value, bare) in values)
            {
                foreach (var id in ExpressionBinder.ReferencedSteps(value, bare))
                {
                    if (indexById.TryGetValue(id, out var index))
                    {
                        Add(index, value.Span);
                    }
                }
            }

            dependencies.Add(resolved);
            spans.Add(from);

            void Add(int index, SourceSpan span)
            {
                if (!from.ContainsKey(index))
                {
                    resolved.Add(index);
                    from.Add(index, span);
                }
            }
        }

        return (dependencies, spans);
    }

    private bool CheckCycles(EquatableArray<StepDocument> steps, List<IReadOnlyList<int>> dependencies, List<Dictionary<int, SourceSpan>> spans)
    {
        var cycles = CycleDetector.ClosedInFileOrder(CycleDetector.FindCycles(dependencies), (from, to) => spans[from][to].Start);
        foreach (var cycle in cycles)
        {
            // Once, on the entry that closes the cycle in file order; an edge an expression makes is named as such.
            var (path, advice) = CycleDescription.Describe(cycle, steps);
            Report(DiagnosticDescriptors.DependencyCycle, spans[cycle[0]][cycle[1]], path, advice);
        }

        return cycles.Count == 0;
    }
}
