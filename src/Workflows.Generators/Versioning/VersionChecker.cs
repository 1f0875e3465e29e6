using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Model;

namespace Workflows.Generators.Versioning;

/// <summary>
/// Compares the durable workflows of a build with <see cref="ShippedFile"/>, and reports each change that would strand
/// runs in flight at the place in the workflow file that made it. What a resumed run cannot survive: a completed step
/// that is gone or whose action or output type changed (the run store refuses it, WorkflowDefinitionChangedException),
/// an input whose stored value no longer fits or is gone, a new input the stored inputs lack. Everything else (new
/// steps, retries, timeouts, optional inputs) is compatible and reports nothing.
/// </summary>
internal static class VersionChecker
{
    /// <param name="shipped">The parsed shipped file.</param>
    /// <param name="documents">Every workflow file of the build.</param>
    /// <param name="specs">The bound workflow of each document (same order); null for one with errors, which is not compared.</param>
    /// <returns>The diagnostics, each at its file: workflow files and the shipped file.</returns>
    public static List<DiagnosticInfo> Check(ShippedFile shipped, IReadOnlyList<WorkflowDocument> documents, IReadOnlyList<WorkflowSpec?> specs)
    {
        var result = new List<DiagnosticInfo>(shipped.Diagnostics);
        foreach (var workflow in shipped.Workflows.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var index = FindDocument(documents, workflow.Name);
            if (index < 0)
            {
                result.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedWorkflowRemoved, LineOf(workflow, shipped.Path), workflow.Name, "has no workflow file any more"));
                continue;
            }

            var document = documents[index];
            if (specs[index] is not { } spec)
            {
                continue; // Its errors are reported already; it is compared once it binds.
            }

            var nameSpan = document.Name!.Value.Span;
            if (spec.Durable is not { } durable)
            {
                result.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedWorkflowRemoved, nameSpan, workflow.Name, "is no longer durable (it has no json_context)"));
                continue;
            }

            CheckSteps(workflow, document, spec, durable, nameSpan, result);
            CheckInputs(workflow, document, spec, nameSpan, result);
        }

        return result;
    }

    private static void CheckSteps(ShippedWorkflow workflow, WorkflowDocument document, WorkflowSpec spec, DurableSpec durable, SourceSpan nameSpan, List<DiagnosticInfo> result)
    {
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Steps.Count; i++)
        {
            current[spec.Steps[i].Id] = durable.StepSignatures[i];
        }

        foreach (var step in workflow.Steps)
        {
            if (!current.TryGetValue(step.Id, out var signature))
            {
                result.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedStepRemoved, nameSpan, workflow.Name, step.Id, step.Signature));
                continue;
            }

            if (string.Equals(signature, step.Signature, StringComparison.Ordinal))
            {
                continue;
            }

            var (oldAction, oldOutput) = Split(step.Signature);
            var (newAction, newOutput) = Split(signature);
            var written = document.Steps.FirstOrDefault(s => s.Id.Value == step.Id);
            var sameAction = string.Equals(oldAction, newAction, StringComparison.Ordinal);

            // At what changed: the action (or, for a signal step, its name or its payload's type: the step's output).
            var span = written?.Target?.Span
                ?? (sameAction ? written?.SignalType?.Span : written?.Signal?.Span)
                ?? written?.Signal?.Span ?? written?.Id.Span ?? nameSpan;
            result.Add(sameAction
                ? DiagnosticInfo.Create(DiagnosticDescriptors.ShippedStepOutputChanged, span, workflow.Name, step.Id, oldOutput, newOutput)
                : DiagnosticInfo.Create(DiagnosticDescriptors.ShippedStepActionChanged, span, workflow.Name, step.Id, oldAction, newAction));
        }
    }

    private static void CheckInputs(ShippedWorkflow workflow, WorkflowDocument document, WorkflowSpec spec, SourceSpan nameSpan, List<DiagnosticInfo> result)
    {
        var shipped = workflow.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var old in workflow.Inputs)
        {
            var input = spec.Inputs.FirstOrDefault(i => i.Name == old.Name);
            if (input is null)
            {
                result.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedInputRemoved, nameSpan, workflow.Name, old.Name, old.Type));
            }
            else if (!string.Equals(input.Type, old.Type, StringComparison.Ordinal))
            {
                var written = document.Inputs.FirstOrDefault(i => i.Name.Value == old.Name);
                result.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedInputTypeChanged, written?.Type.Span ?? nameSpan, workflow.Name, old.Name, old.Type, input.Type));
            }
        }

        foreach (var input in spec.Inputs)
        {
            // Runs in flight were started without it (new) or may have been (optional before): resuming one has no value for it.
            if (ShippedFile.IsRequired(input) && !(shipped.TryGetValue(input.Name, out var old) && old.Required))
            {
                var written = document.Inputs.FirstOrDefault(i => i.Name.Value == input.Name);
                result.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedInputNowRequired, written?.Name.Span ?? nameSpan, workflow.Name, input.Name,
                    shipped.ContainsKey(input.Name) ? "was optional" : "is new"));
            }
        }
    }

    private static int FindDocument(IReadOnlyList<WorkflowDocument> documents, string definitionName)
    {
        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i].DefinitionName == definitionName)
            {
                return i;
            }
        }

        return -1;
    }

    private static SourceSpan LineOf(ShippedWorkflow workflow, string path)
        => workflow.Line ?? workflow.Inputs.Select(i => (SourceSpan?)i.Line).Concat(workflow.Steps.Select(s => (SourceSpan?)s.Line)).FirstOrDefault() ?? SourceSpan.StartOf(path);

    /// <summary>A signature (<c>[workflow ]action -> output type</c>) as its action and its output type.</summary>
    private static (string Action, string Output) Split(string signature)
    {
        var arrow = signature.IndexOf(" -> ", StringComparison.Ordinal);
        return arrow < 0 ? (signature, string.Empty) : (signature.Substring(0, arrow), signature.Substring(arrow + 4));
    }
}
