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
internal sealed class WorkflowBinder
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
            .Concat(document.Steps.SelectMany(s => s.Retry?.On ?? EquatableArray<LocatedString>.Empty).Select(t => t.Value));

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
            references.Add(id, new StepReference(index, id, action?.Name ?? string.Empty, outputType,
                StepSpec.OutputVariableOf(stepIdentifiers[index]), StepSpec.SucceededVariableOf(stepIdentifiers[index]), MayNotSucceed(index),
                steps[index].ContinueOnError ? StepSpec.FailedVariableOf(stepIdentifiers[index]) : null));
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

        SecurityChecker.Check(_document, name => _catalog.Find(name) is { Count: 1 } found && found[0].OutputTypeName is not null, Report);
        var outputs = BindOutputs(expressions, out var outputMembers);
        var onFailure = BindOnFailure(types, inputs, inputTypeNames, references, hosts);

        // Checked even when some steps or outputs failed to bind: json_context problems are independent of theirs.
        var durable = BindDurable(stepSpecs, inputs, inputTypeNames, outputs ?? _boundOutputs, outputMembers, complete: stepSpecs.Count == steps.Count && outputs is not null);

        var diagnostics = _diagnostics.ToEquatableArray();
        if (claim is null || _diagnostics.Exists(d => d.IsError) || stepSpecs.Count != steps.Count || steps.Count == 0 || outputs is null || onFailure is null)
        {
            var invalid = _document.Name is { } name ? WorkflowSignature.Invalid(name.Value, _document.FilePath) : null;
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
            DefinitionJson: _document.SourceJson);
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

            if (step.ItemOutputTypeName is { } outputType)
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

    private (List<InputSpec> Inputs, Dictionary<string, string> TypeNames) BindInputs(TypeCatalog types)
    {
        var inputs = new List<InputSpec>();
        var typeNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var properties = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in _document.Inputs)
        {
            var resolved = _inputTypes.Find(input.Type.Value);
            if (resolved?.Name is not { } typeName || resolved.Declaration is not { } declaration)
            {
                if (!ReportTypeNameTooLong(input.Type))
                {
                    Report(DiagnosticDescriptors.UnknownInputType, input.Type.Span, input.Name.Value, input.Type.Value);
                }

                continue;
            }

            var shape = types.Find(typeName);
            var isValueType = shape?.IsValueType ?? false;
            string? defaultValue = null;
            string? defaultText = null;
            // A default that is refused is reported once; the input still exists, so its readers add no WF0101.
            if (input.Default is { } written)
            {
                if (written.Scalars().Any(v => v.Text.Contains("${{")))
                {
                    Report(DiagnosticDescriptors.ExpressionNotSupported, written.Span, $"The default of input '{input.Name.Value}'", "defaults are literals");
                }
                else
                {
                    var parameter = new ActionParameter(input.Name.Value, declaration, typeName, types.Display(typeName), ParameterRole.Value,
                        LiteralKindOf(shape), types.AcceptsNull(typeName), IsOptional: true, shape?.EnumMembers ?? EquatableArray<string>.Empty);
                    (defaultValue, defaultText) = written.Kind == ArgumentValueKind.List && typeName.EndsWith("[]", StringComparison.Ordinal)
                        ? BindArrayDefault(input, written, typeName, declaration, types)
                        : BindScalarDefault(input, written, parameter);
                }
            }

            // An optional input without a default may be absent: reference types say so with '?'.
            var optionalReference = !input.Required && defaultValue is null && !isValueType;
            var property = UniqueIdentifier(RecordPropertyName(input.Name.Value), properties);
            inputs.Add(new InputSpec(input.Name.Value, property, declaration + (optionalReference ? "?" : string.Empty), input.Required, defaultValue, input.Description, defaultText));
            typeNames[input.Name.Value] = typeName;
        }

        return (inputs, typeNames);
    }

    private (string? Value, string? Text) BindScalarDefault(InputDocument input, ArgumentValue written, ActionParameter parameter)
    {
        var literal = LiteralBinder.Bind(written, parameter);
        if (literal.Expression is null)
        {
            Report(DiagnosticDescriptors.InvalidArgumentValue, written.Span, "input " + input.Name.Value, written.Describe(), input.Name.Value, parameter.TypeDisplay, literal.Hint ?? string.Empty);
            return (null, null);
        }

        return (literal.Expression, written.Text);
    }

    /// <summary>For an array input (<c>string[]</c>): its element, so that a YAML list binds it item by item.</summary>
    private static CollectionElement? ArrayElement(string typeName, string declaration, TypeCatalog types)
    {
        if (!typeName.EndsWith("[]", StringComparison.Ordinal) || !declaration.EndsWith("[]", StringComparison.Ordinal))
        {
            return null;
        }

        var elementName = typeName.Substring(0, typeName.Length - 2);
        var shape = types.Find(elementName);
        return new CollectionElement(CollectionKind.Array, declaration.Substring(0, declaration.Length - 2), elementName, types.Display(elementName),
            LiteralKindOf(shape), types.AcceptsNull(elementName), shape?.EnumMembers ?? EquatableArray<string>.Empty);
    }

    /// <summary>A YAML list as the default of an array input (<c>default: [a, b]</c> for <c>string[]</c>): each item a literal of the element type.</summary>
    private (string? Value, string? Text) BindArrayDefault(InputDocument input, ArgumentValue written, string typeName, string declaration, TypeCatalog types)
    {
        var element = ArrayElement(typeName, declaration, types)!.AsParameter(input.Name.Value);
        var elementDeclaration = element.Type;
        var items = new List<string>();
        foreach (var item in written.Items)
        {
            var literal = item.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping
                ? new LiteralBinder.Result(null, "; items must be single values, not lists or mappings")
                : LiteralBinder.Bind(item, element);
            if (literal.Expression is null)
            {
                Report(DiagnosticDescriptors.InvalidArgumentValue, item.Span, "input " + input.Name.Value, item.Describe(), input.Name.Value, types.Display(typeName), literal.Hint ?? string.Empty);
                return (null, null);
            }

            items.Add(literal.Expression);
        }

        var value = items.Count == 0 ? $"global::System.Array.Empty<{elementDeclaration}>()" : $"new {elementDeclaration}[] {{ {string.Join(", ", items)} }}";
        return (value, "[" + string.Join(", ", written.Items.Select(i => i.Text)) + "]");
    }

    private static LiteralKind LiteralKindOf(TypeShape? shape) => shape?.Category switch
    {
        TypeCategory.String => LiteralKind.String,
        TypeCategory.Boolean => LiteralKind.Boolean,
        TypeCategory.Char => LiteralKind.Char,
        TypeCategory.Enum => LiteralKind.Enum,
        TypeCategory.Numeric => shape.Name switch
        {
            "sbyte" => LiteralKind.SByte,
            "byte" => LiteralKind.Byte,
            "short" => LiteralKind.Int16,
            "ushort" => LiteralKind.UInt16,
            "int" => LiteralKind.Int32,
            "uint" => LiteralKind.UInt32,
            "long" => LiteralKind.Int64,
            "ulong" => LiteralKind.UInt64,
            "float" => LiteralKind.Single,
            "double" => LiteralKind.Double,
            _ => LiteralKind.Decimal,
        },
        _ => LiteralKind.Unsupported,
    };

    /// <summary>
    /// A step may be skipped when it has an <c>if:</c> (other than a bare <c>always()</c>), or when a
    /// dependency may be skipped and it does not call <c>always()</c>.
    /// </summary>
    private static bool[] MaybeSkipped(EquatableArray<StepDocument> steps, List<IReadOnlyList<int>> dependencies, EquatableArray<EquatableArray<int>> batches, List<bool> runsAlways)
    {
        var result = new bool[steps.Count];
        foreach (var batch in batches)
        {
            foreach (var index in batch)
            {
                var ownCondition = steps[index].If is { } condition && !ExpressionBinder.IsJustAlways(condition);
                result[index] = ownCondition || (!runsAlways[index] && dependencies[index].Any(d => result[d] || steps[d].ContinueOnError));
            }
        }

        return result;
    }

    private List<OutputSpec>? BindOutputs(ExpressionBinder expressions, out List<MemberShape> members)
    {
        members = new List<MemberShape>();
        var outputs = new List<OutputSpec>();
        var properties = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var output in _document.Outputs)
        {
            if (!ExpressionBinder.ReadsAnything(output.Value))
            {
                Report(DiagnosticDescriptors.OutputReadsNothing, output.Value.Span, output.Name.Value);
                ok = false;
                continue;
            }

            var bound = expressions.BindValue(output.Value);
            if (bound is null)
            {
                ok = false;
                continue;
            }

            if (!ReportUnguardedReads(bound, $"Output '{output.Name.Value}'"))
            {
                ok = false;
                continue;
            }

            if (bound.Type == TypeCatalog.Null)
            {
                Report(DiagnosticDescriptors.InvalidExpression, output.Value.Span, $"Output '{output.Name.Value}' is always null.");
                ok = false;
                continue;
            }

            var type = bound.Type + (bound.MaybeNull && !bound.Type.EndsWith("?", StringComparison.Ordinal) ? "?" : string.Empty);
            var property = UniqueIdentifier(RecordPropertyName(output.Name.Value), properties);
            outputs.Add(new OutputSpec(output.Name.Value, property, type, bound.Code));
            members.Add(new MemberShape(property, bound.Type, bound.MaybeNull));
        }

        _boundOutputs = outputs; // also when some failed: the surface of an invalid workflow keeps the rest typed
        return ok ? outputs : null;
    }

    private bool ReportUnguardedReads(BoundExpression bound, string reader)
    {
        if (bound.UnguardedReads is not { Count: > 0 } reads)
        {
            return true;
        }

        foreach (var (step, span) in reads)
        {
            Report(DiagnosticDescriptors.MaybeSkippedOutputRead, span, reader, _document.Steps[step].Id.Value);
        }

        return false;
    }

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

    /// <summary>
    /// WF0207: the longest a step can take (every attempt timing out, every delay at its longest) against the
    /// workflow's timeout. Jitter can add a quarter to a delay.
    /// </summary>
    private void CheckRetryBudget(StepDocument step, RetrySpec? retry)
    {
        if (_document.Timeout is not { } workflowTimeout || (step.Timeout is null && retry is null))
        {
            return;
        }

        var attempts = retry?.MaxAttempts ?? 1;
        decimal ticks = step.Timeout is { } timeout ? (decimal)timeout.Ticks * attempts : 0;
        var delay = retry?.Delay?.Ticks ?? TimeSpan.FromSeconds(2).Ticks; // Polly's default
        for (var retryNumber = 1; retryNumber < attempts; retryNumber++)
        {
            decimal wait = retry!.Backoff switch
            {
                RetryBackoff.Constant => delay,
                RetryBackoff.Linear => (decimal)delay * retryNumber,
                _ => (decimal)delay * (decimal)Math.Pow(2, Math.Min(retryNumber - 1, 62)),
            };
            if (retry.Jitter)
            {
                wait *= 1.25m;
            }

            if (retry.MaxDelay is { } maxDelay)
            {
                wait = Math.Min(wait, maxDelay.Ticks);
            }

            ticks += wait;
        }

        if (ticks > workflowTimeout.Ticks)
        {
            var budget = TimeSpan.FromTicks((long)Math.Min(ticks, TimeSpan.MaxValue.Ticks));
            Report(DiagnosticDescriptors.RetryBudgetExceedsTimeout, step.Retry?.Span ?? step.Timeout!.Span, step.Id.Value,
                budget.ToString("c", System.Globalization.CultureInfo.InvariantCulture), workflowTimeout.Text);
        }
    }

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

            var unsupported = new[] { (step.If?.Span, "if"), (step.Timeout?.Span, "timeout"), (step.Retry?.Span, "retry"), (step.Compensate?.Span, "compensate"), (step.ForEach?.Span, "foreach"), (step.Workflow?.Span, "workflow") };
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

    private ResilienceSpec? BindResilience(StepDocument step, out bool ok)
    {
        ok = true;
        if (step.Timeout is null && step.Retry is null)
        {
            return null;
        }

        RetrySpec? retry = null;
        if (step.Retry is { } written)
        {
            var types = new List<string>();
            foreach (var name in written.On)
            {
                var resolved = _inputTypes.Find(name.Value);
                var shape = resolved?.Name is { } typeName ? _types.Find(typeName) : null;
                var isException = resolved?.Name == "global::System.Exception" || (shape?.Supertypes.Contains("global::System.Exception") ?? false);
                if (resolved?.Declaration is not { } declaration || !isException)
                {
                    if (!ReportTypeNameTooLong(name))
                    {
                        Report(DiagnosticDescriptors.UnknownExceptionType, name.Span, name.Value, resolved?.Name is null ? "names no type" : "is not an exception type");
                    }

                    ok = false;
                    continue;
                }

                types.Add(declaration);
            }

            retry = new RetrySpec(written.MaxAttempts, Duration(written.Delay), written.Backoff, Duration(written.MaxDelay), written.Jitter, types.ToEquatableArray());
        }

        if (step.Retry is not { HasErrors: true })
        {
            CheckRetryBudget(step, retry);
        }

        return new ResilienceSpec(Duration(step.Timeout), retry);

        static DurationSpec? Duration(DurationValue? value) => value is null ? null : new DurationSpec(value.Ticks, value.Text);
    }

    private List<ArgumentSpec>? BindArguments(StepDocument step, ActionSpec action, bool runsAlways, ExpressionBinder expressions)
    {
        var ok = true;
        var misspelt = false; // an unknown name is likely the missing one misspelt: say so once, not twice
        var attempted = new HashSet<string>(StringComparer.Ordinal);
        var bound = new Dictionary<string, (StepArgument Argument, string Expression)>(StringComparer.Ordinal);
        var valueParameters = action.Parameters.Where(p => p.Role == ParameterRole.Value).ToList();
        foreach (var argument in step.With)
        {
            var parameter = FindParameter(valueParameters, argument.Name.Value);
            if (parameter is null)
            {
                var hint = NameSuggester.Hint(argument.Name.Value, valueParameters.Select(p => p.Name),
                    otherwise: valueParameters.Count == 0 ? ". It takes no values." : $". Its parameters: {string.Join(", ", valueParameters.Select(p => p.Name))}.");
                Report(DiagnosticDescriptors.UnknownParameter, argument.Name.Span, step.Id.Value, action.Name, argument.Name.Value, hint);
                ok = false;
                misspelt = true;
                continue;
            }

            if (bound.TryGetValue(parameter.Name, out var earlier))
            {
                Report(DiagnosticDescriptors.SchemaViolation, argument.Name.Span,
                    $"Step '{step.Id.Value}': parameter '{parameter.Name}' is given twice, as '{earlier.Argument.Name.Value}' and '{argument.Name.Value}'. Keep one.");
                ok = false;
                continue;
            }

            attempted.Add(parameter.Name);
            var code = BindArgument(step, parameter, argument.Value, runsAlways, expressions);
            if (code is null)
            {
                ok = false;
                continue;
            }

            bound.Add(parameter.Name, (argument, code));
        }

        var arguments = new List<ArgumentSpec>(action.Parameters.Count);
        foreach (var parameter in action.Parameters)
        {
            var name = Identifiers.Escape(parameter.Name);
            if (parameter.Role == ParameterRole.CancellationToken)
            {
                arguments.Add(new ArgumentSpec(name, ArgumentSource.CancellationToken, string.Empty));
            }
            else if (parameter.Role == ParameterRole.StepContext)
            {
                arguments.Add(new ArgumentSpec(name, ArgumentSource.StepContext, string.Empty));
            }
            else if (bound.TryGetValue(parameter.Name, out var value))
            {
                arguments.Add(new ArgumentSpec(name, ArgumentSource.Value, value.Expression));
            }
            else if (!parameter.IsOptional && !misspelt && !attempted.Contains(parameter.Name))
            {
                var at = step.Target?.Span ?? step.Span;
                Report(DiagnosticDescriptors.MissingParameter, at, step.Id.Value, action.Name, parameter.Name, parameter.TypeDisplay);
                ok = false;
            }
        }

        return ok ? arguments : null;
    }

    private string? BindArgument(StepDocument step, ActionParameter parameter, ArgumentValue value, bool runsAlways, ExpressionBinder expressions)
        => value.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping ? BindCollectionArgument(step, parameter, value, runsAlways, expressions)
            : value.Text.Contains("${{") ? BindExpressionArgument(step, parameter, value, runsAlways, expressions)
            : BindLiteralArgument(step, parameter, value);

    /// <summary>
    /// A YAML list for an array or list parameter, or a mapping for a string-keyed dictionary: each item
    /// bound like a single value of the element type (literals or expressions).
    /// </summary>
    private string? BindCollectionArgument(StepDocument step, ActionParameter parameter, ArgumentValue value, bool runsAlways, ExpressionBinder expressions)
    {
        var isList = value.Kind == ArgumentValueKind.List;
        if (parameter.Element is not { } element || (element.Kind == CollectionKind.Dictionary) == isList)
        {
            var hint = parameter.Element is null ? "; write a single value"
                : isList ? "; write a mapping of names to values" : "; write a list";
            Report(DiagnosticDescriptors.InvalidArgumentValue, value.Span, step.Id.Value, value.Describe(), parameter.Name, parameter.TypeDisplay, hint);
            return null;
        }

        var itemParameter = element.AsParameter(parameter.Name);
        var ok = true;
        var items = new List<string>();
        if (isList)
        {
            foreach (var item in value.Items)
            {
                var code = item.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping
                    ? ReportNested(item)
                    : BindArgument(step, itemParameter, item, runsAlways, expressions);
                ok &= code is not null;
                items.Add(code ?? string.Empty);
            }
        }
        else
        {
            foreach (var entry in value.Entries)
            {
                var code = entry.Value.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping
                    ? ReportNested(entry.Value)
                    : BindArgument(step, itemParameter, entry.Value, runsAlways, expressions);
                ok &= code is not null;
                items.Add("[" + CSharpText.StringLiteral(entry.Name.Value) + "] = " + code);
            }
        }

        if (!ok)
        {
            return null;
        }

        return element.Kind switch
        {
            CollectionKind.Array when items.Count == 0 => $"global::System.Array.Empty<{element.Type}>()",
            CollectionKind.Array => $"new {element.Type}[] {{ {string.Join(", ", items)} }}",
            CollectionKind.List => $"new global::System.Collections.Generic.List<{element.Type}> {{ {string.Join(", ", items)} }}",
            _ => $"new global::System.Collections.Generic.Dictionary<string, {element.Type}>(global::System.StringComparer.Ordinal) {{ {string.Join(", ", items)} }}",
        };

        string? ReportNested(ArgumentValue nested)
        {
            Report(DiagnosticDescriptors.InvalidArgumentValue, nested.Span, step.Id.Value, nested.Describe(), parameter.Name, parameter.TypeDisplay, "; items must be single values, not lists or mappings");
            return null;
        }
    }

    private string? BindLiteralArgument(StepDocument step, ActionParameter parameter, ArgumentValue value)
    {
        var literal = LiteralBinder.Bind(value, parameter);
        if (literal.Expression is null)
        {
            Report(DiagnosticDescriptors.InvalidArgumentValue, value.Span, step.Id.Value, value.Describe(), parameter.Name, parameter.TypeDisplay, literal.Hint ?? string.Empty);
        }

        return literal.Expression;
    }

    private string? BindExpressionArgument(StepDocument step, ActionParameter parameter, ArgumentValue value, bool runsAlways, ExpressionBinder expressions)
    {
        if (value.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping)
        {
            Report(DiagnosticDescriptors.InvalidArgumentValue, value.Span, step.Id.Value, value.Describe(), parameter.Name, parameter.TypeDisplay, "; write a single value");
            return null;
        }

        var bound = expressions.BindValue(value);
        if (bound is null)
        {
            return null;
        }

        var converted = expressions.Convert(bound, parameter.TypeName);
        if (converted is null)
        {
            Report(DiagnosticDescriptors.TypeMismatch, value.Span, step.Id.Value, parameter.Name, parameter.TypeDisplay, expressions.Display(bound.Type));
            return null;
        }

        if (runsAlways && !ReportUnguardedReads(converted, $"Step '{step.Id.Value}'"))
        {
            return null;
        }

        // A member annotated nullable, passed to a parameter that is not: the action receives what is there,
        // as a C# call would with '!'. Write '?? fallback' in the expression to choose another value.
        return converted.MaybeNull && !parameter.AcceptsNull ? "(" + converted.Code + "!)" : converted.Code;
    }

    /// <summary>Exact name first; then ignoring case, '_' and '-', so <c>order_id</c> binds <c>orderId</c>.</summary>
    private static ActionParameter? FindParameter(List<ActionParameter> parameters, string name)
    {
        var exact = parameters.Find(p => string.Equals(p.Name, name, StringComparison.Ordinal));
        if (exact is not null)
        {
            return exact;
        }

        var normalized = Normalize(name);
        var matches = parameters.FindAll(p => string.Equals(Normalize(p.Name), normalized, StringComparison.Ordinal));
        return matches.Count == 1 ? matches[0] : null;
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty).Replace("-", string.Empty).ToUpperInvariant();

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
