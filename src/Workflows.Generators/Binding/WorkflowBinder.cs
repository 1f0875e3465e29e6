using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>What binding a document produced: a spec when the workflow is valid, and every diagnostic.</summary>
internal sealed record BindingResult(WorkflowSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The validator: checks a parsed workflow against the compilation's actions and the other workflow files,
/// and binds it into a <see cref="WorkflowSpec"/>. Shared by the analyzer (which reports the diagnostics)
/// and the generator (which emits the spec), so the two can never disagree.
/// </summary>
internal sealed class WorkflowBinder
{
    private readonly WorkflowDocument _document;
    private readonly ActionCatalog _catalog;
    private readonly List<DiagnosticInfo> _diagnostics;

    private WorkflowBinder(WorkflowDocument document, ActionCatalog catalog)
    {
        _document = document;
        _catalog = catalog;
        _diagnostics = new List<DiagnosticInfo>(document.Diagnostics);
    }

    /// <param name="document">The parsed file.</param>
    /// <param name="catalog">The compilation's actions.</param>
    /// <param name="defaultNamespace">The namespace for workflows without <c>namespace:</c>.</param>
    /// <param name="claims">The generated types of every workflow file in the compilation, for WF0007.</param>
    public static BindingResult Bind(WorkflowDocument document, ActionCatalog catalog, string defaultNamespace, IReadOnlyList<TypeClaim> claims)
        => new WorkflowBinder(document, catalog).BindCore(defaultNamespace, claims);

    private BindingResult BindCore(string defaultNamespace, IReadOnlyList<TypeClaim> claims)
    {
        var claim = TypeClaim.For(_document, defaultNamespace);
        if (claim is not null)
        {
            CheckDuplicateType(claim, claims);
        }

        var steps = _document.Steps;
        var indexById = IndexSteps(steps);
        var dependencies = BindDependencies(steps, indexById);
        CheckCycles(steps, dependencies);

        var hosts = new List<HostSpec>();
        var stepSpecs = new List<StepSpec>(steps.Count);
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var spec = BindStep(steps[i], dependencies[i], hosts, identifiers);
            if (spec is not null)
            {
                stepSpecs.Add(spec);
            }
        }

        var diagnostics = _diagnostics.ToEquatableArray();
        if (claim is null || _diagnostics.Exists(d => d.IsError) || stepSpecs.Count != steps.Count || steps.Count == 0)
        {
            return new BindingResult(null, diagnostics);
        }

        var spec2 = new WorkflowSpec(
            WorkflowName: claim.WorkflowName,
            Description: _document.Description,
            SourceFileName: _document.FileName,
            Namespace: claim.Namespace,
            ClassName: claim.ClassName,
            Hosts: hosts.ToEquatableArray(),
            Steps: stepSpecs.ToEquatableArray(),
            Batches: BatchPlanner.Plan(dependencies));
        return new BindingResult(spec2, diagnostics);
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

    private List<IReadOnlyList<int>> BindDependencies(EquatableArray<StepDocument> steps, Dictionary<string, int> indexById)
    {
        var dependencies = new List<IReadOnlyList<int>>(steps.Count);
        foreach (var step in steps)
        {
            var resolved = new List<int>(step.DependsOn.Count);
            foreach (var dependency in step.DependsOn)
            {
                if (indexById.TryGetValue(dependency.Value, out var index))
                {
                    if (!resolved.Contains(index))
                    {
                        resolved.Add(index);
                    }
                }
                else
                {
                    var hint = NameSuggester.Hint(dependency.Value, indexById.Keys, otherwise: ".");
                    Report(DiagnosticDescriptors.UnknownDependency, dependency.Span, step.Id.Value, dependency.Value, hint);
                }
            }

            dependencies.Add(resolved);
        }

        return dependencies;
    }

    private void CheckCycles(EquatableArray<StepDocument> steps, List<IReadOnlyList<int>> dependencies)
    {
        foreach (var cycle in CycleDetector.FindCycles(dependencies))
        {
            // Report on the depends_on entry that closes the cycle.
            var closing = steps[cycle[cycle.Count - 2]];
            var target = steps[cycle[cycle.Count - 1]].Id.Value;
            var span = closing.DependsOn.First(d => d.Value == target).Span;
            Report(DiagnosticDescriptors.DependencyCycle, span, string.Join(" -> ", cycle.Select(i => steps[i].Id.Value)));
        }
    }

    private StepSpec? BindStep(StepDocument step, IReadOnlyList<int> dependencies, List<HostSpec> hosts, HashSet<string> identifiers)
    {
        if (step.Action is not { } actionName)
        {
            return null;
        }

        var candidates = _catalog.Find(actionName.Value);
        if (candidates.Count == 0)
        {
            var hint = NameSuggester.Hint(actionName.Value, _catalog.Names, otherwise: ". No [WorkflowAction] method has this name.");
            Report(DiagnosticDescriptors.UnknownAction, actionName.Span, step.Id.Value, actionName.Value, hint);
            return null;
        }

        // Duplicate names and unusable methods are reported on the C# method (WF0008).
        if (candidates.Count > 1 || !candidates[0].IsValid)
        {
            return null;
        }

        var action = candidates[0];
        var arguments = BindArguments(step, action);
        if (arguments is null)
        {
            return null;
        }

        var hostIndex = -1;
        if (!action.IsStatic)
        {
            hostIndex = hosts.FindIndex(h => h.Type == action.ContainingType);
            if (hostIndex < 0)
            {
                hostIndex = hosts.Count;
                hosts.Add(CreateHost(action, hosts));
            }
        }

        return new StepSpec(
            Id: step.Id.Value,
            DisplayName: step.DisplayName,
            ActionName: action.Name,
            Identifier: UniqueIdentifier(Identifiers.ToPascalCase(step.Id.Value), identifiers),
            HostIndex: hostIndex,
            ContainingType: action.ContainingType,
            MethodName: action.MethodName,
            ReturnKind: action.ReturnKind,
            Arguments: arguments.ToEquatableArray(),
            Dependencies: dependencies.ToEquatableArray());
    }

    private List<ArgumentSpec>? BindArguments(StepDocument step, ActionSpec action)
    {
        var ok = true;
        var misspelt = false; // an unknown name is likely the missing one misspelt: say so once, not twice
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

            if (argument.Value.Text.Contains("${{"))
            {
                Report(DiagnosticDescriptors.ExpressionNotSupported, argument.Value.Span, step.Id.Value, parameter.Name);
                ok = false;
                continue;
            }

            var literal = LiteralBinder.Bind(argument.Value, parameter);
            if (literal.Expression is null)
            {
                Report(DiagnosticDescriptors.InvalidArgumentValue, argument.Value.Span, step.Id.Value, argument.Value.Describe(), parameter.Name, parameter.TypeDisplay, literal.Hint ?? string.Empty);
                ok = false;
                continue;
            }

            bound.Add(parameter.Name, (argument, literal.Expression));
        }

        var arguments = new List<ArgumentSpec>(action.Parameters.Count);
        foreach (var parameter in action.Parameters)
        {
            var name = Identifiers.Escape(parameter.Name);
            if (parameter.Role == ParameterRole.CancellationToken)
            {
                arguments.Add(new ArgumentSpec(name, ArgumentSource.CancellationToken, string.Empty));
            }
            else if (bound.TryGetValue(parameter.Name, out var value))
            {
                arguments.Add(new ArgumentSpec(name, ArgumentSource.Literal, value.Expression));
            }
            else if (!parameter.IsOptional && !misspelt)
            {
                var at = step.Action?.Span ?? step.Span;
                Report(DiagnosticDescriptors.MissingParameter, at, step.Id.Value, action.Name, parameter.Name, parameter.TypeDisplay);
                ok = false;
            }
        }

        return ok ? arguments : null;
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

        var baseName = Identifiers.ToCamelCase(typeName);
        var name = baseName;
        for (var n = 2; hosts.Exists(h => h.ParameterName == Identifiers.Escape(name)); n++)
        {
            name = baseName + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new HostSpec(action.ContainingType, "_" + name, Identifiers.Escape(name));
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

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, span, arguments));
}
