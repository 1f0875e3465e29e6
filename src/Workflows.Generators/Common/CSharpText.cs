using System;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Workflows.Generators.Common;

/// <summary>
/// The only way user text (names, ids, descriptions, literals, file paths, the definition) reaches generated
/// C#: one function per place it can land. C# ends a line at \r, \n, U+0085, U+2028 and U+2029, so a line
/// terminator that ends a <c>//</c> comment or a string early turns the rest of the text into code; every
/// function here makes that impossible for its context.
/// </summary>
internal static class CSharpText
{
    /// <summary>A regular string literal, quotes included, whose value is exactly <paramref name="value"/>.</summary>
    public static string StringLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        AppendEscaped(builder, value, '"');
        return builder.Append('"').ToString();
    }

    /// <summary>A character literal, quotes included.</summary>
    public static string CharLiteral(char value)
    {
        var builder = new StringBuilder(8).Append('\'');
        AppendEscaped(builder, value.ToString(), '\'');
        return builder.Append('\'').ToString();
    }

    /// <summary>
    /// The text between holes of a regular interpolated string (<c>$"..."</c>): escaped as in a string literal,
    /// and braces doubled so that text never opens a hole.
    /// </summary>
    public static string InterpolatedText(string value)
    {
        var builder = new StringBuilder(value.Length);
        AppendEscaped(builder, value, '"');
        return builder.Replace("{", "{{").Replace("}", "}}").ToString();
    }

    /// <summary>
    /// A verbatim string literal (<c>@"..."</c>). Its line terminators stay raw (the only escape is a doubled
    /// quote), so it suits text shown as written; its value keeps them exactly.
    /// </summary>
    public static string VerbatimStringLiteral(string value)
        => "@\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>
    /// A name used as an identifier: prefixed with <c>@</c> when it is a keyword. Anything that is not an
    /// identifier is a generator bug (names are checked when the file is read), so it throws rather than emit it.
    /// </summary>
    public static string Identifier(string name)
    {
        if (!SyntaxFacts.IsValidIdentifier(name))
        {
            throw new ArgumentException("'" + name + "' is not a C# identifier.", nameof(name));
        }

        return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }

    /// <summary>A dotted name (a namespace): each part as by <see cref="Identifier"/>.</summary>
    public static string QualifiedName(string name)
    {
        var parts = name.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Identifier(parts[i]);
        }

        return string.Join(".", parts);
    }

    /// <summary>Text after <c>//</c>: on one line, whatever it contains.</summary>
    public static string LineComment(string text) => OneLine(text, xml: false);

    /// <summary>Text inside an XML doc comment element (<c>/// &lt;summary&gt;...</c>): one line, &amp; &lt; &gt; as entities.</summary>
    public static string XmlDocText(string text) => OneLine(text, xml: true);

    /// <summary>
    /// Text inside a <c>/* */</c> comment: line breaks are harmless there, only <c>*/</c> would end it, so it is
    /// written <c>*</c> U+200B <c>/</c> (the build's targets turn it back when they copy the text out).
    /// </summary>
    public static string BlockCommentText(string text) => text.Replace("*/", "*\u200B/");

    /// <summary>True for every character C# ends a line at.</summary>
    public static bool IsLineTerminator(char c) => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    private static void AppendEscaped(StringBuilder builder, string value, char quote)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': builder.Append("\\\\"); continue;
                case '\0': builder.Append("\\0"); continue;
                case '\a': builder.Append("\\a"); continue;
                case '\b': builder.Append("\\b"); continue;
                case '\f': builder.Append("\\f"); continue;
                case '\n': builder.Append("\\n"); continue;
                case '\r': builder.Append("\\r"); continue;
                case '\t': builder.Append("\\t"); continue;
                case '\v': builder.Append("\\v"); continue;
            }

            if (c == quote)
            {
                builder.Append('\\').Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (NeedsEscape(c))
            {
                AppendUnicodeEscape(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    // Line and paragraph separators end a line; control, format (bidirectional overrides that make code read
    // differently than it compiles), unassigned and lone surrogate characters are written as \uXXXX to be seen.
    private static bool NeedsEscape(char c)
        => IsLineTerminator(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;

    private static void AppendUnicodeEscape(StringBuilder builder, char c)
        => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));

    private static string OneLine(string text, bool xml)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsLineTerminator(c))
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                builder.Append(' ');
            }
            else if (xml && c == '&')
            {
                builder.Append("&amp;");
            }
            else if (xml && c == '<')
            {
                builder.Append("&lt;");
            }
            else if (xml && c == '>')
            {
                builder.Append("&gt;");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD'); // a lone half cannot be written to the UTF-8 file
            }
            else if ((c != '\t' && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control) || IsBidiControl(c))
            {
                AppendUnicodeEscape(builder, c); // shown, not acted on: a comment keeps \u text as it is
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // The characters of "Trojan Source" (CVE-2021-42574): they reorder how the rest of a line is displayed.
    private static bool IsBidiControl(char c)
        => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
