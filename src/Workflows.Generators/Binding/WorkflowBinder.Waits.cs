using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>Steps that wait: a signal (its payload type, timeout and unique name) or a durable timer.</summary>
internal sealed partial class WorkflowBinder
{
    /// <summary>The class whose methods generated code calls at a waiting step.</summary>
    private const string WaitsType = "global::Workflows.Durability.DurableWaits";

    /// <summary>The payload type (its shape name) of a signal step, for expressions that read its output; null when it has none.</summary>
    private string? SignalOutputTypeName(StepDocument step)
        => step.Signal is not null && step.SignalType is { } written ? _inputTypes.Find(written.Value)?.Name : null;

    /// <summary>What the step's signature says it does, as actions say their name: <c>signal approval</c>, <c>sleep 3d</c>.</summary>
    private static string WaitName(StepDocument step)
        => step.Signal is { } signal ? "signal " + signal.Value : "sleep " + step.Sleep!.Text;

    private StepSpec? BindWaitStep(StepDocument step, string identifier, IReadOnlyList<int> dependencies, bool runsAlways, string? condition, bool conditionReadsInputsOnly)
    {
        if (step.Signal is null && step.Sleep is null)
        {
            return null; // both written, or a bad duration: reported by the parser
        }

        string? payloadType = null;
        string? payloadTypeName = null;
        if (step.Signal is { } signal && step.SignalType is { } written)
        {
            var resolved = _inputTypes.Find(written.Value);
            if (resolved?.Name is not { } typeName || resolved.Declaration is not { } declaration)
            {
                if (!ReportTypeNameTooLong(written))
                {
                    Report(DiagnosticDescriptors.UnknownSignalType, written.Span, step.Id.Value, signal.Value, written.Value);
                }

                return null;
            }

            (payloadType, payloadTypeName) = (declaration, typeName);
        }

        var wait = step.Signal is { } name
            ? new WaitSpec(name.Value, payloadType, step.Timeout is { } timeout ? new DurationSpec(timeout.Ticks, timeout.Text) : null, Sleep: null)
            : new WaitSpec(null, null, null, new DurationSpec(step.Sleep!.Ticks, step.Sleep.Text));
        return new StepSpec(
            Id: step.Id.Value,
            DisplayName: step.DisplayName,
            ActionName: WaitName(step),
            Identifier: identifier,
            HostIndex: -1,
            ContainingType: WaitsType,
            MethodName: wait.IsSignal ? "SignalAsync" : "SleepAsync",
            ReturnKind: payloadType is null ? ActionReturnKind.ValueTask : ActionReturnKind.ValueTaskOfT,
            OutputType: payloadType,
            Arguments: EquatableArray<ArgumentSpec>.Empty,
            Dependencies: dependencies.ToEquatableArray(),
            Condition: condition,
            RunsAfterSkippedDependencies: runsAlways,
            Resilience: null,
            ContinueOnError: step.ContinueOnError,
            ConditionReadsInputsOnly: conditionReadsInputsOnly,
            ItemOutputTypeName: payloadTypeName,
            Wait: wait);
    }

    /// <summary>
    /// Waiting steps need a durable run (WF0803), and a signal reaches one step: two steps may not wait for the
    /// same name, nor for names that would give the generated class the same send method (WF0804).
    /// </summary>
    private void CheckWaits()
    {
        var signals = new Dictionary<string, StepDocument>(StringComparer.Ordinal);
        foreach (var step in _document.Steps)
        {
            if (!step.Waits)
            {
                continue;
            }

            if (_document.JsonContext is null)
            {
                var span = step.Signal?.Span ?? step.Sleep!.Span;
                Report(DiagnosticDescriptors.WaitWithoutDurability, span, step.Id.Value, step.Signal is { } s ? $"for signal '{s.Value}'" : $"sleep {step.Sleep!.Text}");
            }

            if (step.Signal is not { } signal)
            {
                continue;
            }

            var member = Identifiers.ToPascalCase(signal.Value);
            if (signals.TryGetValue(member, out var first))
            {
                var same = first.Signal!.Value.Value == signal.Value;
                Report(DiagnosticDescriptors.DuplicateSignal, signal.Span, first.Id.Value, step.Id.Value, signal.Value,
                    same ? string.Empty : $" (as '{first.Signal!.Value.Value}': both would be Send{member}Async)");
            }
            else
            {
                signals.Add(member, step);
            }
        }
    }

    /// <summary>Every signal payload type must be in the json_context: it is stored, and the send method serializes it (WF0802).</summary>
    private bool CheckSignalTypesCovered(List<StepSpec> steps, HashSet<string> covered, string context)
    {
        var ok = true;
        foreach (var step in steps)
        {
            if (step.Wait is { IsSignal: true } && step.ItemOutputTypeName is { } type && !covered.Contains(type) && !covered.Contains(type.TrimEnd('?')))
            {
                var written = _document.Steps.First(s => s.Id.Value == step.Id).SignalType!.Value;
                Report(DiagnosticDescriptors.SignalTypeNotInJsonContext, written.Span, step.Id, step.Wait.SignalName!, _types.Display(type), context);
                ok = false;
            }
        }

        return ok;
    }
}
