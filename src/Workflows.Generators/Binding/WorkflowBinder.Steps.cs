using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>One step: its action or the workflow it runs, foreach, compensate and on_failure, and the host instances actions need.</summary>
internal sealed partial class WorkflowBinder
{
    /// <summary>A workflow seen as an action: its inputs are the parameters, its <c>Outputs</c> the output.</summary>
    private ActionSpec WorkflowAction(WorkflowSignature signature)
    {
        if (signature.Outputs is { } shape && _types.Find(shape.Name) is null)
        {
            _types.Add(shape);
        }

        return new ActionSpec(
            Name: signature.Name,
            MethodDisplay: signature.ClassName + ".RunAsStepAsync",
            ContainingType: signature.ClassName!,
            ContainingTypeName: signature.ClassName!.Substring(signature.ClassName.LastIndexOf('.') + 1),
            MethodName: "RunAsStepAsync",
            IsStatic: false,
            Parameters: signature.Inputs,
            ReturnKind: signature.Outputs is null ? ActionReturnKind.ValueTask : ActionReturnKind.ValueTaskOfT,
            OutputType: signature.Outputs?.Name,
            OutputTypeName: signature.Outputs?.Name,
            Types: EquatableArray<TypeShape>.Empty,
            Error: null);
    }

    private StepSpec? BindStep(
        StepDocument step,
        string identifier,
        IReadOnlyList<int> dependencies,
        bool runsAlways,
        string successCode,
        string failureCode,
        ExpressionBinder expressions,
        List<HostSpec> hosts)
    {
        string? condition = null;
        var conditionBound = true;
        if (step.If is { } written)
        {
            var bound = expressions.BindValue(written, bare: true, successCode: successCode, failureCode: failureCode);
            conditionBound = false;
            if (bound is not null && bound.Type != TypeCatalog.Bool)
            {
                Report(DiagnosticDescriptors.ConditionNotBoolean, written.Span, step.Id.Value, expressions.Display(bound.Type));
            }
            else if (bound is not null && (!runsAlways || ReportUnguardedReads(bound, $"Step '{step.Id.Value}'")))
            {
                // A bare 'always()' is no condition at all: the step simply runs. Any other constant is computed at
                // run time: C# would call the code under 'if (false)' unreachable (CS0162).
                condition = bound.Code == "true" ? null
                    : ExpressionBinder.IsConstantCode(bound.Code) ? ExpressionBinder.NotConstant(bound.Code, TypeCatalog.Bool)
                    : bound.Code;
                conditionBound = true;
            }
        }

        if (step.Waits)
        {
            return conditionBound
                ? BindWaitStep(step, identifier, dependencies, runsAlways, condition, condition is not null && step.If is { } waitCondition
                    && !ExpressionBinder.ReferencedSteps(waitCondition, bare: true).Any() && !ExpressionBinder.CallsStatusFunction(waitCondition))
                : null;
        }

        var childIndex = -1;
        ActionSpec? action;
        if (step.Workflow is { } workflowName)
        {
            action = FindWorkflow(step.Id.Value, workflowName, hosts, out childIndex);
        }
        else if (step.Action is { } actionName)
        {
            action = FindAction(step.Id.Value, actionName);
        }
        else
        {
            return null;
        }

        var forEachOk = true;
        var forEach = step.ForEach is { } source && action is not null ? BindForEach(step, source, action, runsAlways, expressions, out forEachOk) : null;
        if (action is null)
        {
            return null;
        }

        expressions.LoopItemType = forEach?.ItemType;
        var arguments = BindArguments(step, action, runsAlways, expressions);
        expressions.LoopItemType = null;
        if (childIndex >= 0 && arguments is not null)
        {
            arguments = WorkflowArguments(_scope.Find(step.Workflow!.Value.Value)!, arguments);
        }

        var resilience = BindResilience(step, out var resilienceOk);
        var compensationOk = true;
        var compensation = step.Compensate is { } compensate ? BindCompensation(step, compensate, dependencies, expressions, hosts, out compensationOk) : null;
        if (arguments is null || !conditionBound || !resilienceOk || !compensationOk || !forEachOk)
        {
            return null;
        }

        var hostIndex = childIndex >= 0 ? -1 : HostIndex(action, hosts);

        return new StepSpec(
            Id: step.Id.Value,
            DisplayName: step.DisplayName,
            ActionName: action.Name,
            Identifier: identifier,
            HostIndex: hostIndex,
            ContainingType: action.ContainingType,
            MethodName: action.MethodName,
            ReturnKind: action.ReturnKind,
            OutputType: action.OutputType is { } output && forEach is not null ? output + "[]" : action.OutputType,
            Arguments: arguments.ToEquatableArray(),
            Dependencies: dependencies.ToEquatableArray(),
            Condition: condition,
            RunsAfterSkippedDependencies: runsAlways,
            Resilience: resilience,
            ContinueOnError: step.ContinueOnError,
            Compensation: compensation,
            ConditionReadsInputsOnly: condition is not null && step.If is { } written2
                && !ExpressionBinder.ReferencedSteps(written2, bare: true).Any() && !ExpressionBinder.CallsStatusFunction(written2),
            ForEach: forEach,
            ChildIndex: childIndex,
            ItemOutputTypeName: action.OutputTypeName);
    }

    /// <summary>
    /// A step's <c>foreach:</c>: an expression giving a collection, whose element type <c>item</c> takes.
    /// Warns (WF0303) when nothing bounds how many items run at once.
    /// </summary>
    private ForEachSpec? BindForEach(StepDocument step, ArgumentValue source, ActionSpec action, bool runsAlways, ExpressionBinder expressions, out bool ok)
    {
        ok = false;
        if (!source.Text.Contains("${{") || source.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, source.Span,
                $"Step '{step.Id.Value}': foreach must be a ${{{{ }}}} expression that gives a collection, as in 'foreach: ${{{{ steps.list.output }}}}'.");
            return null;
        }

        var bound = expressions.BindValue(source);
        if (bound is null || (runsAlways && !ReportUnguardedReads(bound, $"Step '{step.Id.Value}'")))
        {
            return null;
        }

        if (_types.ElementOf(bound.Type) is not { } element)
        {
            Report(DiagnosticDescriptors.ForEachNotEnumerable, source.Span, step.Id.Value, expressions.Display(bound.Type));
            return null;
        }

        if (step.Compensate is { } compensate)
        {
            Report(DiagnosticDescriptors.SchemaViolation, compensate.Span, $"Step '{step.Id.Value}' has both 'foreach' and 'compensate'; compensations undo whole steps. Move the item's work into a workflow and compensate there.");
            return null;
        }

        if (step.MaxParallel is null && _document.MaxParallel is null)
        {
            Report(DiagnosticDescriptors.UnboundedForEach, source.Span, step.Id.Value);
        }

        ok = true;
        var code = bound.MaybeNull ? "(" + bound.Code + "!)" : bound.Code;
        return new ForEachSpec(code, element, action.OutputType, step.MaxParallel);
    }

    /// <summary>The workflow a <c>workflow:</c> step runs, seen as an action; null after reporting why there is none.</summary>
    private ActionSpec? FindWorkflow(string stepId, LocatedString name, List<HostSpec> hosts, out int childIndex)
    {
        childIndex = -1;
        var signature = _scope.Find(name.Value);
        if (signature is null)
        {
            var hint = NameSuggester.Hint(name.Value, _scope.Names, otherwise: ". Workflows are the *.workflow.yaml files of the project, by their name:.");
            Report(DiagnosticDescriptors.UnknownWorkflow, name.Span, stepId, name.Value, hint);
            return null;
        }

        if (!signature.IsValid)
        {
            if (!_scope.Silent.Contains(name.Value))
            {
                Report(DiagnosticDescriptors.CalledWorkflowInvalid, name.Span, stepId, name.Value, System.IO.Path.GetFileName(signature.FilePath));
            }

            return null;
        }

        var className = signature.ClassName!;
        childIndex = _children.FindIndex(c => c.ClassName == className);
        if (childIndex < 0)
        {
            var hostIndexes = signature.Hosts.Select(host =>
            {
                var index = hosts.FindIndex(h => h.Type == host.Type);
                if (index < 0)
                {
                    index = hosts.Count;
                    hosts.Add(CreateHost(host.Type, host.ParameterName.TrimStart('@'), hosts, host.IsConstructible));
                }

                return index;
            });
            var field = "_" + Identifiers.ToCamelCase(className.Substring(className.LastIndexOf('.') + 1));
            childIndex = _children.Count;
            _children.Add(new ChildWorkflowSpec(className, field, hostIndexes.ToEquatableArray(), signature.Inputs.Count > 0, signature.Outputs is not null));
        }

        return WorkflowAction(signature);
    }

    /// <summary>A workflow's arguments set properties of its <c>Inputs</c> record, by the property's name.</summary>
    private static List<ArgumentSpec> WorkflowArguments(WorkflowSignature signature, List<ArgumentSpec> arguments)
        => arguments.Select(argument =>
        {
            for (var i = 0; i < signature.Inputs.Count; i++)
            {
                if (Identifiers.Escape(signature.Inputs[i].Name) == argument.ParameterName)
                {
                    return argument with { ParameterName = signature.InputProperties[i] };
                }
            }

            return argument;
        }).ToList();

    private static int HostIndex(ActionSpec action, List<HostSpec> hosts)
    {
        if (action.IsStatic)
        {
            return -1;
        }

        var index = hosts.FindIndex(h => h.Type == action.ContainingType);
        if (index < 0)
        {
            index = hosts.Count;
            hosts.Add(CreateHost(action, hosts));
        }

        return index;
    }

    /// <summary>A valid action for <paramref name="name"/>, or null after reporting why there is none.</summary>
    private ActionSpec? FindAction(string stepId, LocatedString name)
    {
        var candidates = _catalog.Find(name.Value);
        if (candidates.Count == 0)
        {
            var hint = NameSuggester.Hint(name.Value, _catalog.Names, otherwise: ". No [WorkflowAction] method has this name.");
            Report(DiagnosticDescriptors.UnknownAction, name.Span, stepId, name.Value, hint);
            return null;
        }

        // Duplicate names and unusable methods are reported on the C# method (WF0008).
        return candidates.Count == 1 && candidates[0].IsValid ? candidates[0] : null;
    }

    private CompensationSpec? BindCompensation(
        StepDocument step,
        CompensationDocument compensate,
        IReadOnlyList<int> dependencies,
        ExpressionBinder expressions,
        List<HostSpec> hosts,
        out bool ok)
    {
        ok = false;
        if (compensate.Action is not { } name)
        {
            return null;
        }

        // It runs only after its step succeeded: the step itself and what the step depends on have run.
        var allowed = new HashSet<string>(dependencies.Select(d => _document.Steps[d].Id.Value)) { step.Id.Value };
        var readsUnrelated = false;
        foreach (var argument in compensate.With)
        {
            foreach (var id in ExpressionBinder.ReferencedSteps(argument.Value, bare: false).Where(id => !allowed.Contains(id)).Distinct())
            {
                Report(DiagnosticDescriptors.CompensationReadsUnrelatedStep, argument.Value.Span, step.Id.Value, id);
                readsUnrelated = true;
            }
        }

        var label = step.Id.Value + " (compensate)";
        var action = FindAction(label, name);
        if (action is null || readsUnrelated)
        {
            return null;
        }

        var pseudoStep = step with { Id = new LocatedString(label, step.Id.Span), Action = name, With = compensate.With };
        var arguments = BindArguments(pseudoStep, action, runsAlways: false, expressions);
        if (arguments is null)
        {
            return null;
        }

        ok = true;
        return new CompensationSpec(action.Name, HostIndex(action, hosts), action.ContainingType, action.MethodName, action.ReturnKind, arguments.ToEquatableArray());
    }

    /// <summary>
    /// The workflow's <c>on_failure:</c> steps: plain actions run in order after a failure. They read inputs
    /// and <c>failure.step</c>/<c>failure.message</c>, never other steps, which may not have run.
    /// </summary>
    private List<StepSpec>? BindOnFailure(
        TypeCatalog types,
        List<InputSpec> inputs,
        Dictionary<string, string> inputTypeNames,
        Dictionary<string, StepReference> references,
        List<HostSpec> hosts)
    {
        var result = new List<StepSpec>();
        var ok = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var identifiers = new HashSet<string>(_document.Steps.Select(s => s.Id.Value).Select(Identifiers.ToPascalCase), StringComparer.Ordinal);
        var expressions = new ExpressionBinder(types, inputs.ToDictionary(i => i.Name, StringComparer.Ordinal), inputTypeNames, references, _diagnostics, onFailureStep: string.Empty);
        foreach (var step in _document.OnFailure)
        {
            foreach (var dependency in step.DependsOn)
            {
                if (!seen.Contains(dependency.Value))
                {
                    Report(DiagnosticDescriptors.OnFailureReadsSteps, dependency.Span, step.Id.Value,
                        references.ContainsKey(dependency.Value) ? $"depends on step '{dependency.Value}'" : $"depends on '{dependency.Value}', which is no earlier on_failure step");
                    ok = false;
                }
            }

            var unsupported = new[] { (step.If?.Span, "if"), (step.Timeout?.Span, "timeout"), (step.Retry?.Span, "retry"), (step.Compensate?.Span, "compensate"), (step.ForEach?.Span, "foreach"), (step.Workflow?.Span, "workflow"), (step.Signal?.Span, "signal"), (step.Sleep?.Span, "sleep") };
            foreach (var (span, key) in unsupported)
            {
                if (span is { } at)
                {
                    Report(DiagnosticDescriptors.SchemaViolation, at, $"on_failure step '{step.Id.Value}' cannot use '{key}': on_failure steps run once, in order, after a failure.");
                    ok = false;
                }
            }

            seen.Add(step.Id.Value);
            if (step.Action is not { } name || FindAction(step.Id.Value, name) is not { } action)
            {
                ok = false;
                continue;
            }

            expressions.OnFailureStep = step.Id.Value;
            var arguments = BindArguments(step, action, runsAlways: false, expressions);
            if (arguments is null)
            {
                ok = false;
                continue;
            }

            result.Add(new StepSpec(step.Id.Value, step.DisplayName, action.Name, UniqueIdentifier("OnFailure" + Identifiers.ToPascalCase(step.Id.Value), identifiers),
                HostIndex(action, hosts), action.ContainingType, action.MethodName, action.ReturnKind, action.OutputType, arguments.ToEquatableArray(),
                EquatableArray<int>.Empty, Condition: null, RunsAfterSkippedDependencies: false, Resilience: null, ContinueOnError: step.ContinueOnError));
        }

        return ok ? result : null;
    }

    private static HostSpec CreateHost(ActionSpec action, List<HostSpec> hosts)
    {
        // IDeployer -> deployer, DeployActions -> deployActions
        var typeName = action.ContainingTypeName;
        if (typeName.Length > 1 && typeName[0] == 'I' && char.IsUpper(typeName[1]))
        {
            typeName = typeName.Substring(1);
        }

        return CreateHost(action.ContainingType, Identifiers.ToCamelCase(typeName), hosts, action.HostIsConstructible);
    }

    private static HostSpec CreateHost(string type, string baseName, List<HostSpec> hosts, bool isConstructible)
    {
        var name = baseName;
        for (var n = 2; hosts.Exists(h => h.ParameterName == Identifiers.Escape(name)); n++)
        {
            name = baseName + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new HostSpec(type, "_" + name, Identifiers.Escape(name), isConstructible);
    }
}
