using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>Inputs (types, literal defaults, list defaults of arrays) and outputs (what they read, and reads of steps that may not have run).</summary>
internal sealed partial class WorkflowBinder
{
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
}
