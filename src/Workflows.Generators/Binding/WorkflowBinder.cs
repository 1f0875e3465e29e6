using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>What binding a document produced: a spec when the workflow is valid, and every diagnostic.</summary>
/// <param name="Signature">What steps of other workflows that run this one need; null when the file has no usable name.</param>
/// <param name="Surface">For a workflow with errors, the class C# still sees (<see cref="WorkflowSurfaceBuilder"/>).</param>
internal sealed record BindingResult(WorkflowSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, WorkflowSignature? Signature = null, WorkflowSurfaceSpec? Surface = null);

/// <summary>
/// The validator: checks a parsed workflow against the compilation's actions, types and the other workflow
/// files, and binds it into a <see cref="WorkflowSpec"/>. Shared by the analyzer (which reports the
/// diagnostics) and the generator (which emits the spec), so the two can never disagree.
/// </summary>
internal sealed partial class WorkflowBinder
{
    private readonly WorkflowDocument _document;
    private readonly ActionCatalog _catalog;
    private readonly ResolvedInputTypes _inputTypes;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly TypeCatalog _types;
    private readonly WorkflowScope _scope;
    private readonly EquatableArray<JsonContextInfo> _jsonContexts;
    private readonly List<ChildWorkflowSpec> _children = new();
    private List<OutputSpec> _boundOutputs = new();

    private WorkflowBinder(WorkflowDocument document, ActionCatalog catalog, ResolvedInputTypes inputTypes, WorkflowScope scope, EquatableArray<JsonContextInfo> jsonContexts)
    {
        _jsonContexts = jsonContexts;
        _document = document;
        _catalog = catalog;
        _inputTypes = inputTypes;
        _scope = scope;
        _diagnostics = new List<DiagnosticInfo>(document.Diagnostics);
        _diagnostics.AddRange(scope.Diagnostics);
        _types = new TypeCatalog(catalog.Actions.SelectMany(a => a.Types).Concat(inputTypes.Shapes));
    }

    /// <param name="document">The parsed file.</param>
    /// <param name="catalog">The compilation's actions.</param>
    /// <param name="inputTypes">The C# types the compilation's workflow inputs name.</param>
    /// <param name="defaultNamespace">The namespace for workflows without <c>namespace:</c>.</param>
    /// <param name="claims">The generated types of every workflow file in the compilation, for WF0007.</param>
    /// <param name="scope">The workflows its <c>workflow:</c> steps may run; <see cref="WorkflowScope.Empty"/> when it runs none.</param>
    /// <param name="jsonContexts">The compilation's <c>json_context</c> classes, for durable workflows.</param>
    public static BindingResult Bind(
        WorkflowDocument document,
        ActionCatalog catalog,
        ResolvedInputTypes inputTypes,
        string defaultNamespace,
        IReadOnlyList<TypeClaim> claims,
        WorkflowScope? scope = null,
        EquatableArray<JsonContextInfo> jsonContexts = default)
        => new WorkflowBinder(document, catalog, inputTypes, scope ?? WorkflowScope.Empty, jsonContexts).BindCore(defaultNamespace, claims);

    /// <summary>The <c>json_context</c> a document names, for <see cref="JsonContextResolver"/>.</summary>
    public static IEnumerable<string> JsonContextNames(WorkflowDocument document)
        => document.JsonContext is { } name ? new[] { name.Value } : Enumerable.Empty<string>();

    /// <summary>True when a step of the document runs another workflow.</summary>
    public static bool RunsWorkflows(WorkflowDocument document) => document.Steps.Any(s => s.Workflow is not null);

    /// <summary>The type names a document's inputs write, for <see cref="InputTypeResolver"/>.</summary>
    public static IEnumerable<string> InputTypeNames(WorkflowDocument document)
        => document.Inputs.Select(i => i.Type.Value)
            .Concat(document.Steps.SelectMany(s => s.Retry?.On ?? EquatableArray<LocatedString>.Empty).Select(t => t.Value))
            .Concat(document.Steps.Where(s => s.Signal is not null && s.SignalType is not null).Select(s => s.SignalType!.Value.Value));

    private BindingResult BindCore(string defaultNamespace, IReadOnlyList<TypeClaim> claims)
    {
        var claim = TypeClaim.For(_document, defaultNamespace);
        if (claim is not null)
        {
            CheckDuplicateType(claim, claims);
            CheckNamespaceIsNoType(defaultNamespace, claims);
        }

        var steps = _document.Steps;
        var indexById = IndexSteps(steps);
        var (dependencies, dependencySpans) = BindDependencies(steps, indexById);
        var acyclic = CheckCycles(steps, dependencies, dependencySpans);
        var batches = acyclic ? BatchPlanner.Plan(dependencies) : EquatableArray<EquatableArray<int>>.Empty;

        var types = _types;
        var (inputs, inputTypeNames) = BindInputs(types);

        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        var stepIdentifiers = steps.Select(step => UniqueIdentifier(Identifiers.ToPascalCase(step.Id.Value), identifiers)).ToList();
        var runsAlways = steps.Select(step => step.If is { } condition && ExpressionBinder.CallsAlways(condition)).ToList();
        var maybeSkipped = MaybeSkipped(steps, dependencies, batches, runsAlways);
        bool MayNotSucceed(int index) => maybeSkipped[index] || steps[index].ContinueOnError;
        var references = new Dictionary<string, StepReference>(StringComparer.Ordinal);
        foreach (var entry in indexById)
        {
            var (id, index) = (entry.Key, entry.Value);
            var action = steps[index].Action is { } name && _catalog.Find(name.Value) is { Count: 1 } found ? found[0]
                : steps[index].Workflow is { } called && _scope.Find(called.Value) is { IsValid: true } signature ? WorkflowAction(signature)
                : null;
            var outputType = action?.OutputTypeName is { } single && steps[index].ForEach is not null ? types.ArrayOf(single) : action?.OutputTypeName;
            if (steps[index].Waits)
            {
                outputType = SignalOutputTypeName(steps[index]);
            }

            references.Add(id, new StepReference(index, id, steps[index].Waits ? WaitName(steps[index]) : action?.Name ?? string.Empty, outputType,
                StepSpec.OutputVariableOf(stepIdentifiers[index]), StepSpec.SucceededVariableOf(stepIdentifiers[index]), MayNotSucceed(index),
                steps[index].ContinueOnError ? StepSpec.FailedVariableOf(stepIdentifiers[index]) : null,
                OutputMaybeNull: steps[index].ForEach is null && action?.OutputType is { } declared && declared != action.OutputTypeName && declared.EndsWith("?", StringComparison.Ordinal)));
        }

        var expressions = new ExpressionBinder(types, inputs.ToDictionary(i => i.Name, StringComparer.Ordinal), inputTypeNames, references, _diagnostics);
        var hosts = new List<HostSpec>();
        var stepSpecs = new List<StepSpec>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var successCode = dependencies[i].Count == 0
                ? "true"
                : "(" + string.Join(" && ", dependencies[i].Select(d => references[steps[d].Id.Value].SucceededVariable)) + ")";
            var failing = dependencies[i].Where(d => steps[d].ContinueOnError).Select(d => StepSpec.FailedVariableOf(stepIdentifiers[d])).ToList();
            var failureCode = failing.Count == 0 ? "false" : "(" + string.Join(" || ", failing) + ")";
            var spec = BindStep(steps[i], stepIdentifiers[i], dependencies[i], runsAlways[i], successCode, failureCode, expressions, hosts);
            if (spec is not null)
            {
                stepSpecs.Add(spec);
            }
        }

        CheckWaits();
        SecurityChecker.Check(_document, name => _catalog.Find(name) is { Count: 1 } found && found[0].OutputTypeName is not null, Report);
        var outputs = BindOutputs(expressions, out var outputMembers);
        var limits = BindLimits(expressions);
        var onFailure = BindOnFailure(types, inputs, inputTypeNames, references, hosts);

        // Checked even when some steps or outputs failed to bind: json_context problems are independent of theirs.
        var durable = BindDurable(stepSpecs, inputs, inputTypeNames, outputs ?? _boundOutputs, outputMembers, complete: stepSpecs.Count == steps.Count && outputs is not null);

        var diagnostics = _diagnostics.ToEquatableArray();
        if (claim is null || _diagnostics.Exists(d => d.IsError) || stepSpecs.Count != steps.Count || steps.Count == 0 || outputs is null || onFailure is null)
        {
            var invalid = _document.DefinitionName is { } name ? WorkflowSignature.Invalid(name, _document.FilePath) : null;
            var surface = WorkflowSurfaceBuilder.Build(_document, claim, inputs, outputs ?? _boundOutputs, hosts, _diagnostics, defaultNamespace);
            return new BindingResult(null, diagnostics, invalid, surface);
        }

        var workflow = new WorkflowSpec(
            WorkflowName: claim.WorkflowName,
            Description: _document.Description,
            SourceFileName: _document.FileName,
            Namespace: claim.Namespace,
            ClassName: claim.ClassName,
            Inputs: inputs.ToEquatableArray(),
            Outputs: outputs.ToEquatableArray(),
            Hosts: hosts.ToEquatableArray(),
            Steps: stepSpecs.ToEquatableArray(),
            Batches: batches,
            Timeout: _document.Timeout is { } timeout ? new DurationSpec(timeout.Ticks, timeout.Text) : null,
            OnFailure: onFailure.ToEquatableArray(),
            Children: _children.ToEquatableArray(),
            MaxParallel: _document.MaxParallel,
            Durable: durable,
            Schedules: _document.Schedules.Select(s => new ScheduleSpec(s.Cron, s.TimeZone, s.AllowOverlap, s.CatchUpLatest)).ToEquatableArray(),
            Definition: _document.SourceText,
            DefinitionJson: _document.SourceJson,
            Limits: limits);
        return new BindingResult(workflow, diagnostics, Signature(workflow, inputTypeNames, outputMembers));
    }

    /// <summary>What steps of other workflows see of this one.</summary>
    private WorkflowSignature Signature(WorkflowSpec workflow, Dictionary<string, string> inputTypeNames, List<MemberShape> outputMembers)
    {
        var className = "global::" + workflow.Namespace + "." + workflow.ClassName;
        var parameters = workflow.Inputs.Select(input =>
        {
            var typeName = inputTypeNames[input.Name];
            var shape = _types.Find(typeName);
            return new ActionParameter(input.Name, input.Type, typeName, _types.Display(typeName), ParameterRole.Value, LiteralKindOf(shape),
                _types.AcceptsNull(typeName) || input.Type.EndsWith("?", StringComparison.Ordinal), IsOptional: !input.IsRequired,
                shape?.EnumMembers ?? EquatableArray<string>.Empty, ArrayElement(typeName, input.Type.TrimEnd('?'), _types));
        });
        var outputs = workflow.Outputs.Count == 0
            ? null
            : new TypeShape(className + ".Outputs", workflow.ClassName + ".Outputs", TypeCategory.Other, IsValueType: false, ElementType: null, IsIndexable: false,
                CountMember: null, outputMembers.ToEquatableArray(), new EquatableArray<string>(new[] { TypeCatalog.Object }), EquatableArray<string>.Empty);
        return new WorkflowSignature(workflow.WorkflowName, _document.FilePath, className, parameters.ToEquatableArray(),
            workflow.Inputs.Select(i => i.PropertyName).ToEquatableArray(), outputs, workflow.Hosts, Durable: workflow.Durable is not null);
    }

    /// <summary>
    /// Names a C# record may not give a property (its own members, object's, and the records' own type
    /// names): an input or output named so gets 'Value' appended (<c>to_string</c> → <c>ToStringValue</c>).
    /// </summary>
    private static readonly HashSet<string> s_recordMemberNames = new(StringComparer.Ordinal)
    {
        "Inputs", "Outputs", "ToString", "Equals", "GetHashCode", "Clone", "EqualityContract", "PrintMembers",
        "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "Deconstruct",
    };

    private static string RecordPropertyName(string name)
    {
        var pascal = Identifiers.ToPascalCase(name);
        return s_recordMemberNames.Contains(pascal) ? pascal + "Value" : pascal;
    }

    private static string UniqueIdentifier(string candidate, HashSet<string> used)
    {
        if (candidate.Length == 0 || char.IsDigit(candidate[0]))
        {
            candidate = "Step" + candidate;
        }

        var result = candidate;
        for (var n = 2; !used.Add(result); n++)
        {
            result = candidate + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>Reports WF0112 when a type name is past <see cref="TypeNameLimits"/> (the resolver refuses those).</summary>
    private bool ReportTypeNameTooLong(LocatedString name)
    {
        if (TypeNameLimits.Check(name.Value.Trim()) is not { } problem)
        {
            return false;
        }

        Report(DiagnosticDescriptors.TypeNameTooLong, name.Span, TypeNameLimits.Shorten(name.Value.Trim()), problem);
        return true;
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, span, arguments));
}
