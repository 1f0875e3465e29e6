using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>
/// Binds workflows that run other workflows (<c>workflow:</c> steps): a called workflow is bound before its
/// callers, so they are checked against its real inputs and outputs, and workflows that run each other in
/// a cycle are reported (WF0305) in every file of the cycle.
/// </summary>
internal static class WorkflowSetBinder
{
    /// <param name="documents">The documents to bind, in any order.</param>
    /// <param name="known">Workflows bound already (ones that run no other workflow), which the documents may call.</param>
    /// <returns>One result per document, in the order given.</returns>
    public static BindingResult[] Bind(
        IReadOnlyList<WorkflowDocument> documents,
        IEnumerable<WorkflowSignature> known,
        ActionCatalog catalog,
        ResolvedInputTypes inputTypes,
        string defaultNamespace,
        IReadOnlyList<TypeClaim> claims,
        Common.EquatableArray<JsonContextInfo> jsonContexts = default,
        BindingCache? cache = null)
    {
        var pass = cache?.Begin(catalog, inputTypes, defaultNamespace, claims, jsonContexts);
        var signatures = new Dictionary<string, WorkflowSignature>(StringComparer.Ordinal);
        foreach (var signature in known)
        {
            if (!signatures.ContainsKey(signature.Name))
            {
                signatures.Add(signature.Name, signature);
            }
        }

        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i].DefinitionName is { } name && !byName.ContainsKey(name) && !signatures.ContainsKey(name))
            {
                byName.Add(name, i);
            }
        }

        // Edges point from a workflow to the workflows it runs.
        var calls = documents
            .Select(d => (IReadOnlyList<int>)d.Steps
                .Where(s => s.Workflow is { } w && byName.ContainsKey(w.Value))
                .Select(s => byName[s.Workflow!.Value.Value])
                .Distinct()
                .ToList())
            .ToList();

        var cycleDiagnostics = documents.Select(_ => new List<DiagnosticInfo>()).ToArray();
        var silent = documents.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        foreach (var cycle in CycleDetector.FindCycles(calls))
        {
            ReportCycle(documents, cycle, cycleDiagnostics, silent);
        }

        // Every document gets a name in the scope before binding, so that one bound too early (in a cycle)
        // reads as "has errors", not "unknown".
        foreach (var entry in byName)
        {
            signatures[entry.Key] = WorkflowSignature.Invalid(entry.Key, documents[entry.Value].FilePath);
        }

        var results = new BindingResult[documents.Count];
        foreach (var index in CalleesFirst(calls))
        {
            var scope = new WorkflowScope(signatures, cycleDiagnostics[index], silent[index]);
            var result = pass?.Find(documents[index], scope);
            if (result is null)
            {
                result = WorkflowBinder.Bind(documents[index], catalog, inputTypes, defaultNamespace, claims, scope, jsonContexts);
                pass?.Store(documents[index], scope, result);
            }

            results[index] = result;
            if (result.Signature is { } signature && documents[index].DefinitionName is { } name && byName.TryGetValue(name, out var owner) && owner == index)
            {
                signatures[name] = signature;
            }
        }

        pass?.End();
        return results;
    }

    /// <summary>Reports the cycle in each of its files, at the step that runs the next workflow, as seen from that file.</summary>
    private static void ReportCycle(IReadOnlyList<WorkflowDocument> documents, List<int> cycle, List<DiagnosticInfo>[] diagnostics, HashSet<string>[] silent)
    {
        var length = cycle.Count - 1; // the path repeats its first workflow at the end
        for (var i = 0; i < length; i++)
        {
            var caller = documents[cycle[i]];
            var callee = documents[cycle[i + 1]].Name!.Value.Value;
            var step = caller.Steps.First(s => s.Workflow is { } w && w.Value == callee);
            var path = Enumerable.Range(0, length + 1).Select(k => documents[cycle[(i + k) % length]].Name!.Value.Value);
            diagnostics[cycle[i]].Add(DiagnosticInfo.Create(DiagnosticDescriptors.WorkflowCallCycle, step.Workflow!.Value.Span, string.Join(" -> ", path)));
            silent[cycle[i]].Add(callee);
        }
    }

    /// <summary>A post-order walk: each workflow after the ones it runs (cycles broken where they close).</summary>
    private static List<int> CalleesFirst(List<IReadOnlyList<int>> calls)
    {
        var order = new List<int>(calls.Count);
        var state = new byte[calls.Count];
        var stack = new Stack<(int Node, int Edge)>();
        for (var start = 0; start < calls.Count; start++)
        {
            if (state[start] != 0)
            {
                continue;
            }

            state[start] = 1;
            stack.Push((start, 0));
            while (stack.Count > 0)
            {
                var (node, edge) = stack.Pop();
                if (edge < calls[node].Count)
                {
                    stack.Push((node, edge + 1));
                    var next = calls[node][edge];
                    if (state[next] == 0)
                    {
                        state[next] = 1;
                        stack.Push((next, 0));
                    }
                }
                else
                {
                    state[node] = 2;
                    order.Add(node);
                }
            }
        }

        return order;
    }
}
