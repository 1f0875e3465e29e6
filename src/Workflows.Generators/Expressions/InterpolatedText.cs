using System;
using System.Collections.Generic;
using Workflows.Generators.Common;

namespace Workflows.Generators.Expressions;

/// <summary>A piece of a YAML value: literal text or a <c>${{ }}</c> hole. Starts are indexes into the value.</summary>
internal abstract record InterpolationPart(int Start);

internal sealed record TextPart(string Text, int Start) : InterpolationPart(Start);

/// <summary>
/// <see cref="InterpolationPart.Start"/> and <see cref="Length"/> delimit the expression text between
/// <c>${{</c> and <c>}}</c>, ready for <see cref="ExpressionParser.Parse"/>.
/// </summary>
internal sealed record ExpressionPart(int Start, int Length) : InterpolationPart(Start)
{
    /// <summary>Where the hole starts, at <c>${{</c>.</summary>
    public int OuterStart => Start - 3;

    /// <summary>The hole's length, <c>${{</c> and <c>}}</c> included.</summary>
    public int OuterLength => Length + 5;
}

/// <summary>
/// A YAML value split into text and holes. The parts cover the whole value in order; after an unclosed
/// <c>${{</c> the rest of the value is a text part and <see cref="Error"/> is set.
/// </summary>
internal sealed record InterpolatedText(string Value, EquatableArray<InterpolationPart> Parts, ExpressionError? Error)
{
    private const string Open = "${{";
    private const string Close = "}}";

    public bool HasExpressions
    {
        get
        {
            foreach (var part in Parts)
            {
                if (part is ExpressionPart)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The hole when the value is exactly one (surrounding whitespace aside): such a value takes the
    /// expression's type instead of becoming a string.
    /// </summary>
    public ExpressionPart? SingleExpression
    {
        get
        {
            if (Error is not null)
            {
                return null;
            }

            ExpressionPart? single = null;
            foreach (var part in Parts)
            {
                switch (part)
                {
                    case ExpressionPart hole when single is null:
                        single = hole;
                        break;
                    case TextPart text when string.IsNullOrWhiteSpace(text.Text):
                        break;
                    default:
                        return null;
                }
            }

            return single;
        }
    }

    public bool IsSingleExpression => SingleExpression is not null;

    public static InterpolatedText Split(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var parts = new List<InterpolationPart>();
        ExpressionError? error = null;
        var textStart = 0;
        while (true)
        {
            var open = value.IndexOf(Open, textStart, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            AddText(parts, value, textStart, open);
            textStart = open;
            var inner = open + Open.Length;
            var close = FindClose(value, inner);
            if (close < 0)
            {
                error = new ExpressionError(open, Open.Length, "'${{' has no closing '}}'.");
                break;
            }

            parts.Add(new ExpressionPart(inner, close - inner));
            textStart = close + Close.Length;
        }

        AddText(parts, value, textStart, value.Length);
        return new InterpolatedText(value, parts.ToEquatableArray(), error);
    }

    private static void AddText(List<InterpolationPart> parts, string value, int start, int end)
    {
        if (end > start)
        {
            parts.Add(new TextPart(value.Substring(start, end - start), start));
        }
    }

    /// <summary>The first '}}' outside the expression's string literals, so <c>'}}'</c> does not end the hole.</summary>
    private static int FindClose(string value, int start)
    {
        var i = start;
        while (i < value.Length)
        {
            var c = value[i];
            if (c is '\'' or '"')
            {
                var afterString = SkipString(value, i);
                if (afterString < 0)
                {
                    // An unclosed quote is the parser's error to report; ending the hole at the next '}}' lets it.
                    return value.IndexOf(Close, i, StringComparison.Ordinal);
                }

                i = afterString;
            }
            else if (c == '}' && i + 1 < value.Length && value[i + 1] == '}')
            {
                return i;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>The index after the string that starts at <paramref name="quote"/>, or -1 when it never closes.</summary>
    private static int SkipString(string value, int quote)
    {
        var delimiter = value[quote];
        for (var i = quote + 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == delimiter)
            {
                // A doubled single quote reads as two adjacent strings here, which skips the same text.
                return i + 1;
            }

            if (c == '\\' && delimiter == '"')
            {
                i++;
            }
        }

        return -1;
    }
}
