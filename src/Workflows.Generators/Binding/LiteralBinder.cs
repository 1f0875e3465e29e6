using System;
using System.Globalization;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>
/// Turns a YAML literal into a C# literal of the parameter's type, or explains why it cannot.
/// Typed, not YAML 1.1 guessing: a quoted value is always a string, <c>yes</c> is never a boolean.
/// </summary>
internal static class LiteralBinder
{
    /// <summary>Either <see cref="Expression"/> (a C# expression) or <see cref="Hint"/> (why not) is set.</summary>
    public readonly record struct Result(string? Expression, string? Hint);

    public static Result Bind(ArgumentValue value, ActionParameter parameter)
    {
        if (value.Kind == ArgumentValueKind.Null)
        {
            return parameter.AcceptsNull
                ? new Result("null", null)
                : Fail($"; the parameter does not accept null (declare it as '{parameter.TypeDisplay}?' to allow it)");
        }

        if (value.Kind is ArgumentValueKind.List or ArgumentValueKind.Mapping)
        {
            return Fail("; write a single value");
        }

        var text = value.Text;
        var quoted = value.Kind == ArgumentValueKind.QuotedScalar;
        switch (parameter.Literal)
        {
            case LiteralKind.String:
                return Ok(CSharpText.StringLiteral(text));

            case LiteralKind.Char:
                return text.Length == 1 ? Ok(CSharpText.CharLiteral(text[0])) : Fail("; write exactly one character");

            case LiteralKind.Boolean:
                if (!quoted && (text is "true" or "True" or "TRUE"))
                {
                    return Ok("true");
                }

                if (!quoted && (text is "false" or "False" or "FALSE"))
                {
                    return Ok("false");
                }

                return Fail(quoted ? "; write true or false without quotes" : "; write true or false");

            case LiteralKind.SByte:
            case LiteralKind.Byte:
            case LiteralKind.Int16:
            case LiteralKind.UInt16:
            case LiteralKind.Int32:
            case LiteralKind.UInt32:
            case LiteralKind.Int64:
            case LiteralKind.UInt64:
                return BindInteger(text, quoted, parameter.Literal);

            case LiteralKind.Single:
            case LiteralKind.Double:
            case LiteralKind.Decimal:
                return BindReal(text, quoted, parameter.Literal);

            case LiteralKind.Enum:
                return BindEnum(text, parameter);

            default:
                return Fail("; only strings, numbers, booleans, characters and enums can be written as literals");
        }
    }

    private static Result BindInteger(string text, bool quoted, LiteralKind kind)
    {
        if (quoted)
        {
            return Fail("; a quoted value is a string: write the number without quotes");
        }

        var (min, max, suffix) = kind switch
        {
            LiteralKind.SByte => ((decimal)sbyte.MinValue, (decimal)sbyte.MaxValue, string.Empty),
            LiteralKind.Byte => (byte.MinValue, byte.MaxValue, string.Empty),
            LiteralKind.Int16 => (short.MinValue, short.MaxValue, string.Empty),
            LiteralKind.UInt16 => (ushort.MinValue, ushort.MaxValue, string.Empty),
            LiteralKind.Int32 => (int.MinValue, int.MaxValue, string.Empty),
            LiteralKind.UInt32 => (uint.MinValue, uint.MaxValue, "U"),
            LiteralKind.Int64 => (long.MinValue, long.MaxValue, "L"),
            _ => (ulong.MinValue, (decimal)ulong.MaxValue, "UL"),
        };

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return Fail("; write a whole number");
        }

        if (number < min || number > max)
        {
            return Fail($"; it must lie between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
        }

        var literal = number.ToString(CultureInfo.InvariantCulture) + suffix;
        return Ok(kind is LiteralKind.SByte or LiteralKind.Byte or LiteralKind.Int16 or LiteralKind.UInt16
            ? $"({Keyword(kind)}){literal}"
            : (number < 0 ? "(" + literal + ")" : literal));
    }

    private static Result BindReal(string text, bool quoted, LiteralKind kind)
    {
        if (quoted)
        {
            return Fail("; a quoted value is a string: write the number without quotes");
        }

        const NumberStyles styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        switch (kind)
        {
            case LiteralKind.Decimal when decimal.TryParse(text, styles, CultureInfo.InvariantCulture, out var m):
                return Ok(m.ToString(CultureInfo.InvariantCulture) + "M");
            // Not NaN: .NET parses "NaN" whatever the styles, and "NaND" would be written into the code as a name.
            case LiteralKind.Double when double.TryParse(text, styles, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d) && !double.IsNaN(d):
                return Ok(d.ToString("R", CultureInfo.InvariantCulture) + "D");
            case LiteralKind.Single when float.TryParse(text, styles, CultureInfo.InvariantCulture, out var f) && !float.IsInfinity(f) && !float.IsNaN(f):
                return Ok(f.ToString("R", CultureInfo.InvariantCulture) + "F");
            default:
                return Fail("; write a number such as 1.5");
        }
    }

    private static Result BindEnum(string text, ActionParameter parameter)
    {
        string? match = null;
        foreach (var member in parameter.EnumMembers)
        {
            if (string.Equals(member, text, StringComparison.Ordinal))
            {
                match = member;
                break;
            }

            if (string.Equals(member, text, StringComparison.OrdinalIgnoreCase))
            {
                match ??= member;
            }
        }

        var enumType = parameter.Type.TrimEnd('?');
        return match is null
            ? Fail($"; use one of: {string.Join(", ", parameter.EnumMembers)}")
            : Ok(enumType + "." + CSharpText.Identifier(match));
    }

    private static string Keyword(LiteralKind kind) => kind switch
    {
        LiteralKind.SByte => "sbyte",
        LiteralKind.Byte => "byte",
        LiteralKind.Int16 => "short",
        _ => "ushort",
    };

    private static Result Ok(string expression) => new(expression, null);

    private static Result Fail(string hint) => new(null, hint);
}
