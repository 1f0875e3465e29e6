using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>Durable runs: the JSON context and what it must cover, and the definition's hash.</summary>
internal sealed partial class WorkflowBinder
{
    /// <summary>
    /// A workflow with a <c>json_context</c> can run durably: every type a run stores (inputs, step outputs,
    /// outputs) must have metadata in that context or the runtime's built-in one (WF0503), and every workflow
    /// it runs must be able to run durably too (WF0504).
    /// </summary>
    private DurableSpec? BindDurable(List<StepSpec> steps, List<InputSpec> inputs, Dictionary<string, string> inputTypeNames, List<OutputSpec> outputs, List<MemberShape> outputMembers, bool complete)
    {
        if (_document.JsonContext is not { } written)
        {
            if (_document.RequiresDurable)
            {
                Report(DiagnosticDescriptors.DurableWithoutJsonContext, _document.Durable!.Value.Span, _document.Name?.Value ?? "?");
            }

            return null;
        }

        var context = _jsonContexts.FirstOrDefault(c => c.Written == written.Value);
        if (context?.FullName is not { } contextName || !context.IsContext)
        {
            if (ReportTypeNameTooLong(written))
            {
                return null;
            }

            Report(DiagnosticDescriptors.InvalidJsonContext, written.Span, written.Value, context?.FullName is null ? "names no type" : "is not a JsonSerializerContext");
            return null;
        }

        var covered = new HashSet<string>(context.Covered.Concat(JsonContextResolver.BuiltInCovered), StringComparer.Ordinal);
        var needed = new List<(string What, string Type)>();
        needed.AddRange(inputs.Select(i => ($"Input '{i.Name}'", inputTypeNames[i.Name])));
        needed.AddRange(outputs.Select((o, i) => ($"Output '{o.Name}'", outputMembers[i].Type)));
        foreach (var step in steps)
        {
            if (step.RunsWorkflow)
            {
                continue;
            }

            if (step.ItemOutputTypeName is { } outputType && step.Wait is null)
            {
                needed.Add(($"The output of step '{step.Id}'", outputType));
            }
        }

        var ok = true;
        foreach (var (what, type) in needed.Distinct())
        {
            if (!covered.Contains(type) && !covered.Contains(type.TrimEnd('?')))
            {
                Report(DiagnosticDescriptors.TypeNotInJsonContext, written.Span, what, _types.Display(type), written.Value);
                ok = false;
            }
        }

        ok &= CheckSignalTypesCovered(steps, covered, written.Value);
        foreach (var step in _document.Steps)
        {
            if (step.Workflow is { } called && _scope.Find(called.Value) is { IsValid: true, Durable: false })
            {
                Report(DiagnosticDescriptors.CalledWorkflowNotDurable, called.Span, step.Id.Value, called.Value);
                ok = false;
            }
        }

        if (!ok || !complete)
        {
            return null;
        }

        var signatures = steps.Select(s => (s.RunsWorkflow ? "workflow " : string.Empty) + s.ActionName + " -> " + (s.OutputType ?? "void")).ToList();
        var definition = new System.Text.StringBuilder();
        for (var i = 0; i < steps.Count; i++)
        {
            definition.Append(steps[i].Id).Append('|').Append(signatures[i]).Append('|').Append(string.Join(",", steps[i].Dependencies.Select(d => steps[d].Id))).Append('\n');
        }

        return new DurableSpec(contextName, _document.RequiresDurable, Fnv64(definition.ToString()), signatures.ToEquatableArray());
    }

    /// <summary>A stable 64-bit FNV-1a hash, as 16 hex digits: the same definition hashes the same on every machine.</summary>
    private static string Fnv64(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
