using System;
using System.Globalization;
using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Expressions;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>
/// Limits across runs (<c>concurrency:</c>, <c>rate:</c>) and <c>priority:</c>: only for durable workflows (the store
/// enforces them), with a key and a priority computed from the inputs alone, when a run is enqueued.
/// </summary>
internal sealed partial class WorkflowBinder
{
    private LimitsSpec? BindLimits(ExpressionBinder expressions)
    {
        var concurrency = _document.Concurrency;
        var rate = _document.Rate;
        var priority = _document.Priority;
        if (concurrency is null && rate is null && priority is null)
        {
            return null;
        }

        if (!_document.RequiresDurable)
        {
            var (key, span) = concurrency is not null ? ("concurrency", concurrency.Span) : rate is not null ? ("rate", rate.Span) : ("priority", priority!.Span);
            Report(DiagnosticDescriptors.LimitsWithoutDurability, span, _document.Name?.Value ?? "?", key);
            return null;
        }

        var keyCode = concurrency?.Key is { } written ? BindConcurrencyKey(written, expressions) : "string.Empty";
        var priorityCode = priority is not null ? BindPriority(priority, expressions) : "0";
        if (keyCode is null || priorityCode is null)
        {
            return null;
        }

        return new LimitsSpec(concurrency?.Limit, rate?.Count, rate?.PeriodTicks, keyCode, priorityCode);
    }

    /// <summary>C# for the key as a string: text as it is, other scalars in the invariant culture.</summary>
    private string? BindConcurrencyKey(ArgumentValue written, ExpressionBinder expressions)
    {
        if (written.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping || written.Kind == ArgumentValueKind.Null)
        {
            Report(DiagnosticDescriptors.ConcurrencyKeyNotScalar, written.Span, written.Kind == ArgumentValueKind.Null ? "null" : written.Kind == ArgumentValueKind.List ? "list" : "mapping");
            return null;
        }

        if (!InterpolatedText.Split(written.Text).HasExpressions)
        {
            return CSharpText.StringLiteral(written.Text);
        }

        if (!ReadsOnlyInputs(written, "concurrency key"))
        {
            return null;
        }

        if (expressions.BindValue(written) is not { } bound)
        {
            return null;
        }

        var shape = _types.Find(bound.Type);
        var scalar = shape?.Category == TypeCategory.NullableValue && shape.ElementType is { } element ? _types.Find(element) : shape;
        switch (scalar?.Category)
        {
            case TypeCategory.String:
                return bound.MaybeNull ? $"({bound.Code} ?? string.Empty)" : bound.Code;
            case TypeCategory.Boolean or TypeCategory.Char or TypeCategory.Numeric or TypeCategory.Enum:
                return $"(global::System.Convert.ToString({bound.Code}, global::System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)";
            default:
                Report(DiagnosticDescriptors.ConcurrencyKeyNotScalar, written.Span, expressions.Display(bound.Type));
                return null;
        }
    }

    /// <summary>C# for the priority as an int: a whole number, or an int expression of the inputs.</summary>
    private string? BindPriority(ArgumentValue written, ExpressionBinder expressions)
    {
        if (!InterpolatedText.Split(written.Text).HasExpressions)
        {
            if (int.TryParse(written.Text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var constant))
            {
                return constant.ToString(CultureInfo.InvariantCulture);
            }

            Report(DiagnosticDescriptors.PriorityNotInteger, written.Span, $"'{written.Text}'");
            return null;
        }

        if (!ReadsOnlyInputs(written, "priority") || expressions.BindValue(written) is not { } bound)
        {
            return null;
        }

        if (bound.Type == TypeCatalog.Int)
        {
            return bound.MaybeNull ? $"({bound.Code} ?? 0)" : bound.Code;
        }

        if (_types.Find(bound.Type) is { Category: TypeCategory.NullableValue, ElementType: TypeCatalog.Int })
        {
            return $"({bound.Code} ?? 0)";
        }

        Report(DiagnosticDescriptors.PriorityNotInteger, written.Span, "of type '" + expressions.Display(bound.Type) + "'");
        return null;
    }

    /// <summary>WF1002 when the value reads a step's output or a secret (it is computed before any step, and stored).</summary>
    private bool ReadsOnlyInputs(ArgumentValue written, string what)
    {
        if (ExpressionBinder.ReferencedSteps(written, bare: false).FirstOrDefault() is { } step)
        {
            Report(DiagnosticDescriptors.AdmissionReadsMoreThanInputs, written.Span, what, $"reads the output of step '{step}'");
            return false;
        }

        if (ExpressionBinder.ReadsSecrets(written))
        {
            Report(DiagnosticDescriptors.AdmissionReadsMoreThanInputs, written.Span, what, "reads a secret, which would be stored in clear with the run");
            return false;
        }

        return true;
    }
}
