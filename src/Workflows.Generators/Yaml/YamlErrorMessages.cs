using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Workflows.Generators.Yaml;

/// <summary>
/// Turns YamlDotNet's errors ("While parsing a flow sequence, did not find expected ',' or ']'", or an exception's
/// text such as "Operation is not valid due to the current state of the object.") into what a person editing a
/// workflow file needs: what is wrong, in their words, and where (the '[' that is never closed, not the end of
/// the file). A light scan of the text finds brackets, quotes and tabs; the parser's message picks the rule.
/// </summary>
internal static class YamlErrorMessages
{
    private static readonly Regex s_context = new(@"^While (parsing|scanning) [^,]*, ", RegexOptions.CultureInvariant);

    /// <param name="text">The whole file.</param>
    /// <param name="lines">Its lines.</param>
    /// <param name="parserMessage">YamlDotNet's message without its position, or null when it failed with a general exception.</param>
    /// <param name="position">Where YamlDotNet stopped.</param>
    public static (string Message, TextPosition At) Explain(string text, LineMap lines, string? parserMessage, TextPosition position)
    {
        var message = parserMessage ?? string.Empty;
        var scan = Scan(text, lines);

        if (scan.UnclosedQuote is { } quote && (parserMessage is null || Has(message, "quoted scalar") || Has(message, "end of stream")))
        {
            var mark = text[quote.Offset];
            return ($"the quote {mark} on {Where(quote)} is never closed: end the value with {mark}", quote);
        }

        var aboutBrackets = parserMessage is null || Has(message, "flow") || Has(message, "node content") || Has(message, "end of stream") || Has(message, "expected key");
        if (aboutBrackets && scan.Mismatch is { } mismatch && scan.MismatchOpener is { } opener)
        {
            var closer = text[mismatch.Offset];
            return ($"'{closer}' on {Where(mismatch)} does not close the '{text[opener.Offset]}' opened on {Where(opener)}: close that one first with '{Closing(text[opener.Offset])}'", mismatch);
        }

        if (aboutBrackets && scan.Unclosed is { } unclosed)
        {
            var open = text[unclosed.Offset];
            return ($"the '{open}' on {Where(unclosed)} is never closed: add '{Closing(open)}' after its last {(open == '[' ? "item" : "entry")}", unclosed);
        }

        if (aboutBrackets && scan.Stray is { } stray)
        {
            return ($"'{text[stray.Offset]}' on {Where(stray)} closes nothing: remove it, or add the '{Opening(text[stray.Offset])}' it should close", stray);
        }

        if (scan.IndentTab is { } tab && (Has(message, "tab") || tab.Line <= position.Line))
        {
            return ($"line {tab.Line + 1} is indented with a tab: YAML indents with spaces only, so replace the tab with spaces", tab);
        }

        var lineStart = lines.StartOf(position.Line);
        var lineText = LineText(text, lineStart);
        var indent = lineText.Length - lineText.TrimStart(' ').Length;
        var content = lines.At(lineStart + indent);

        if (Has(message, "invalid mapping") || Has(message, "mapping values are not allowed"))
        {
            var before = position.Column <= lineText.Length ? lineText.Substring(0, position.Column) : lineText;
            if (before.IndexOf(": ", StringComparison.Ordinal) >= 0 || before.TrimStart(' ', '-').Length == 0)
            {
                return ("a plain value cannot contain ': ': put the value in quotes", position);
            }

            return ($"inconsistent indentation: line {position.Line + 1} is indented more than the entries of the mapping above it, so it is read as the rest of the value before it; indent it like those entries", content);
        }

        if (Has(message, "indicator") || Has(message, "expected key") || Has(message, "indentation") || Has(message, "document start") || Has(message, "block"))
        {
            return ($"inconsistent indentation: line {position.Line + 1} does not line up with the entries of its mapping or list; indent it exactly like them", content);
        }

        if (Has(message, "cannot start any token") && position.Offset < text.Length)
        {
            return ($"'{text[position.Offset]}' cannot start a plain value: put the value in quotes", position);
        }

        if (Has(message, "end of stream"))
        {
            return ("the file ends in the middle of a value", position);
        }

        if (Has(message, "node content"))
        {
            return (position.Offset < text.Length && !char.IsWhiteSpace(text[position.Offset])
                ? $"a value was expected on {Where(position)}, not '{text[position.Offset]}'"
                : $"a value is missing on {Where(position)}", position);
        }

        if (parserMessage is { Length: > 0 })
        {
            // Anything else YamlDotNet says (an unknown escape, a bad anchor name) is about the text itself:
            // keep what it found, without its parser's point of view.
            var plain = s_context.Replace(parserMessage, string.Empty).TrimEnd('.');
            return (plain.Length == 0 ? "the text cannot be read here" : char.ToLowerInvariant(plain[0]) + plain.Substring(1), position);
        }

        return ($"the text cannot be read past {Where(position)}", position);
    }

    private static bool Has(string message, string part) => message.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

    private static string Where(TextPosition position)
        => string.Format(CultureInfo.InvariantCulture, "line {0}, column {1}", position.Line + 1, position.Column + 1);

    private static char Closing(char open) => open == '[' ? ']' : '}';

    private static char Opening(char close) => close == ']' ? '[' : '{';

    private static string LineText(string text, int start)
    {
        var end = start;
        while (end < text.Length && text[end] is not ('\n' or '\r'))
        {
            end++;
        }

        return text.Substring(start, end - start);
    }

    private sealed class ScanResult
    {
        public TextPosition? UnclosedQuote;
        public TextPosition? Unclosed;
        public TextPosition? Mismatch;
        public TextPosition? MismatchOpener;
        public TextPosition? Stray;
        public TextPosition? IndentTab;
    }

    /// <summary>
    /// Walks the text as YAML reads it, coarsely: comments, quoted scalars, block scalars (<c>|</c>, <c>&gt;</c>)
    /// and flow brackets. Plain text such as <c>it's</c> or <c>${{ x }}</c> is not mistaken for a quote or a bracket:
    /// those only count where a value starts.
    /// </summary>
    private static ScanResult Scan(string text, LineMap lines)
    {
        var result = new ScanResult();
        var flow = new Stack<int>();
        var quote = '\0';
        var quoteStart = 0;
        var blockIndent = -1;
        var offset = 0;
        while (offset <= text.Length)
        {
            var lineEnd = offset;
            while (lineEnd < text.Length && text[lineEnd] is not ('\n' or '\r'))
            {
                lineEnd++;
            }

            var indent = 0;
            while (offset + indent < lineEnd && text[offset + indent] == ' ')
            {
                indent++;
            }

            var blank = offset + indent == lineEnd || text[offset + indent] == '#';
            if (blockIndent >= 0 && (blank || indent > blockIndent))
            {
                offset = NextLine(text, lineEnd);
                continue;
            }

            blockIndent = -1;
            if (quote == '\0' && flow.Count == 0 && result.IndentTab is null && offset + indent < lineEnd && text[offset + indent] == '\t')
            {
                result.IndentTab = lines.At(offset + indent);
            }

            for (var i = offset + indent; i < lineEnd; i++)
            {
                var c = text[i];
                if (quote == '"')
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        quote = '\0';
                    }

                    continue;
                }

                if (quote == '\'')
                {
                    if (c == '\'' && i + 1 < lineEnd && text[i + 1] == '\'')
                    {
                        i++;
                    }
                    else if (c == '\'')
                    {
                        quote = '\0';
                    }

                    continue;
                }

                if (c == '#' && (i == offset || char.IsWhiteSpace(text[i - 1])))
                {
                    break;
                }

                var atStart = AtValueStart(text, offset, i);
                if (c is '"' or '\'' && atStart)
                {
                    quote = c;
                    quoteStart = i;
                }
                else if (c is '[' or '{' && (flow.Count > 0 || atStart))
                {
                    flow.Push(i);
                }
                else if (c is ']' or '}' && flow.Count > 0)
                {
                    var opener = flow.Pop();
                    if (Closing(text[opener]) != c)
                    {
                        result.Mismatch = lines.At(i);
                        result.MismatchOpener = lines.At(opener);
                        return result;
                    }
                }
                else if (c is ']' or '}' && atStart && result.Stray is null)
                {
                    result.Stray = lines.At(i);
                }
                else if (c is '|' or '>' && atStart && flow.Count == 0 && IsBlockHeader(text, i, lineEnd))
                {
                    blockIndent = indent;
                    break;
                }
            }

            if (lineEnd >= text.Length)
            {
                break;
            }

            offset = NextLine(text, lineEnd);
        }

        if (quote != '\0')
        {
            result.UnclosedQuote = lines.At(quoteStart);
        }

        if (flow.Count > 0)
        {
            result.Unclosed = lines.At(flow.Peek());
        }

        return result;
    }

    private static int NextLine(string text, int lineEnd)
        => lineEnd + (lineEnd + 1 < text.Length && text[lineEnd] == '\r' && text[lineEnd + 1] == '\n' ? 2 : 1);

    /// <summary>True when the character at <paramref name="index"/> is the first of a value: after a key's ':', a '-', '[', '{', ',' or '?'.</summary>
    private static bool AtValueStart(string text, int lineStart, int index)
    {
        var i = index - 1;
        while (i >= lineStart && text[i] is ' ' or '\t')
        {
            i--;
        }

        return i < lineStart || text[i] is ':' or '-' or '[' or '{' or ',' or '?';
    }

    /// <summary><c>|</c> or <c>&gt;</c>, an optional chomping and indentation indicator, then only a comment.</summary>
    private static bool IsBlockHeader(string text, int index, int lineEnd)
    {
        var i = index + 1;
        while (i < lineEnd && text[i] is '+' or '-' or (>= '0' and <= '9'))
        {
            i++;
        }

        while (i < lineEnd && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i == lineEnd || text[i] == '#';
    }
}
