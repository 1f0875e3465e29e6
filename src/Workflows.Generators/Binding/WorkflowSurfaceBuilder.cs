using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>
/// Derives the public surface of a workflow that has errors (see <see cref="WorkflowSurfaceSpec"/>) from what
/// binding got right: the class name, the inputs and outputs it could type, the hosts of the steps it could bind.
/// What it could not type is <c>object?</c>, so the app's code that sets or reads it still compiles.
/// </summary>
internal static class WorkflowSurfaceBuilder
{
    /// <summary>The diagnostic ID of the class's <c>[Obsolete]</c>, reported by the compiler wherever C# uses it.</summary>
    public const string ObsoleteDiagnosticId = "WF0020";

    private const string Unknown = "object?";

    /// <summary>
    /// Names a record property may not have: the record's own members, and the names of the nested records
    /// themselves. A member the generated code could not declare is left out rather than risk a CS error.
    /// </summary>
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "Inputs", "Outputs", "ToString", "Equals", "GetHashCode", "Clone", "EqualityContract", "PrintMembers",
        "Deconstruct", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>The surface, or null when there is none to emit: no usable name, or another file claims the class (WF0007).</summary>
    public static WorkflowSurfaceSpec? Build(
        WorkflowDocument document,
        TypeClaim? claim,
        IReadOnlyList<InputSpec> boundInputs,
        IReadOnlyList<OutputSpec> boundOutputs,
        IReadOnlyList<HostSpec> hosts,
        IReadOnlyList<DiagnosticInfo> diagnostics,
        string defaultNamespace)
    {
        // The project's WorkflowRegistrations class lives in the default namespace: a namespace of that name would clash.
        var registrations = defaultNamespace + ".WorkflowRegistrations";
        if (claim is null
            || !Identifiers.IsValidIdentifier(claim.ClassName)
            || !Identifiers.IsValidNamespace(claim.Namespace)
            || claim.Namespace == registrations
            || claim.Namespace.StartsWith(registrations + ".", StringComparison.Ordinal)
            || diagnostics.Any(d => d.Id == DiagnosticDescriptors.DuplicateWorkflowType.Id))
        {
            return null;
        }

        var errors = diagnostics.Where(d => d.IsError).OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        if (errors.Count == 0)
        {
            // Bound nothing, yet no error (no steps is an error of its own): nothing honest to point at.
            return null;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<SurfaceMember>();
        foreach (var input in document.Inputs)
        {
            var bound = boundInputs.FirstOrDefault(i => i.Name == input.Name.Value);
            var member = bound is not null
                ? new SurfaceMember(bound.Name, bound.PropertyName, bound.Type, bound.IsRequired, bound.DefaultValue)
                : Member(input.Name.Value, input.Required, used);
            Add(inputs, member, used);
        }

        used.Clear();
        var outputs = new List<SurfaceMember>();
        foreach (var output in document.Outputs)
        {
            var bound = boundOutputs.FirstOrDefault(o => o.Name == output.Name.Value);
            var member = bound is not null
                ? new SurfaceMember(bound.Name, bound.PropertyName, bound.Type, IsRequired: true, DefaultValue: null)
                : Member(output.Name.Value, isRequired: false, used);
            Add(outputs, member, used);
        }

        var first = errors[0];
        var problem = $"{first.Span}: {first.Id}: {first.ToDiagnostic().GetMessage(CultureInfo.InvariantCulture)}";
        if (errors.Count > 1)
        {
            problem += errors.Count == 2 ? " (and 1 more error in this file)" : $" (and {errors.Count - 1} more errors in this file)";
        }

        return new WorkflowSurfaceSpec(
            claim.WorkflowName,
            document.FileName,
            claim.Namespace,
            claim.ClassName,
            problem,
            HasInputs: document.Inputs.Count > 0,
            inputs.ToEquatableArray(),
            HasOutputs: document.Outputs.Count > 0,
            outputs.ToEquatableArray(),
            hosts.Select(h => h.Type).Distinct(StringComparer.Ordinal).ToEquatableArray(),
            CanRunDurably: document.JsonContext is not null || document.RequiresDurable);
    }

    /// <summary>A member the binder could not type: <c>object?</c>, so any value the app sets or reads fits.</summary>
    private static SurfaceMember? Member(string name, bool isRequired, HashSet<string> used)
    {
        var pascal = Identifiers.ToPascalCase(name);
        if (pascal.Length == 0 || !Identifiers.IsValidIdentifier(pascal))
        {
            return null;
        }

        var property = pascal;
        for (var n = 2; used.Contains(property); n++)
        {
            property = pascal + n.ToString(CultureInfo.InvariantCulture);
        }

        return new SurfaceMember(name, property, Unknown, isRequired, DefaultValue: null);
    }

    private static void Add(List<SurfaceMember> members, SurfaceMember? member, HashSet<string> used)
    {
        if (member is not null && !s_reserved.Contains(member.PropertyName) && Identifiers.IsValidIdentifier(member.PropertyName) && used.Add(member.PropertyName))
        {
            members.Add(member);
        }
    }
}
