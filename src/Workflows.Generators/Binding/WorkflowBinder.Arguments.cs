using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>with: values bound to an action's parameters: literals, collections and expressions, each checked against the parameter's type.</summary>
internal sealed partial class WorkflowBinder
{
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
        // The null literal the same way: C# would warn (CS8625) where the workflow said what it meant. And a
        // reference read from a variable, or a '??' that may yield one (see ExpressionBinder.MayBeNullForCSharp).
        return expressions.MayBeNullForCSharp(converted) && !parameter.AcceptsNull ? "(" + converted.Code + "!)" : converted.Code;
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
}
