using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.BuiltIns;

/// <summary>
/// The small path language of <c>json.get</c>: an optional <c>$</c>, then <c>.name</c>, <c>['name']</c>,
/// <c>["name"]</c> and <c>[index]</c> steps (a leading name needs no dot). No wildcards or filters.
/// </summary>
internal static class JsonPath
{
    /// <summary>A property name (<see cref="Name"/>) or an array index (<see cref="Index"/>).</summary>
    internal readonly record struct Segment(string? Name, int Index);

    /// <summary>Parses <paramref name="path"/>, or throws a <see cref="FormatException"/> that says where it is wrong.</summary>
    public static IReadOnlyList<Segment> Parse(string? path)
    {
        var text = path?.Trim() ?? string.Empty;
        var segments = new List<Segment>();
        var position = 0;
        if (text.StartsWith('$'))
        {
            position = 1;
        }
        else if (text.Length > 0 && text[0] != '[')
        {
            position = ReadName(text, position, segments);
        }

        while (position < text.Length)
        {
            var c = text[position];
            if (c == '.')
            {
                position = ReadName(text, position + 1, segments);
            }
            else if (c == '[')
            {
                position = ReadBracket(text, position + 1, segments);
            }
            else
            {
                throw Error(text, position, "expected '.' or '['");
            }
        }

        return segments;
    }

    /// <summary>Follows <paramref name="segments"/> from <paramref name="node"/>.</summary>
    /// <returns>True when every step exists (the value found may be JSON null).</returns>
    public static bool TryNavigate(JsonNode? node, IReadOnlyList<Segment> segments, out JsonNode? value)
    {
        var current = node;
        foreach (var segment in segments)
        {
            if (segment.Name is { } name)
            {
                if (current is not JsonObject obj || !obj.TryGetPropertyValue(name, out current))
                {
                    value = null;
                    return false;
                }
            }
            else
            {
                if (current is not JsonArray array)
                {
                    value = null;
                    return false;
                }

                var index = segment.Index < 0 ? array.Count + segment.Index : segment.Index;
                if (index < 0 || index >= array.Count)
                {
                    value = null;
                    return false;
                }

                current = array[index];
            }
        }

        value = current;
        return true;
    }

    private static int ReadName(string text, int position, List<Segment> segments)
    {
        var start = position;
        while (position < text.Length && text[position] != '.' && text[position] != '[')
        {
            position++;
        }

        if (position == start)
        {
            throw Error(text, start, "expected a property name");
        }

        segments.Add(new Segment(text[start..position], 0));
        return position;
    }

    private static int ReadBracket(string text, int position, List<Segment> segments)
    {
        if (position < text.Length && (text[position] == '\'' || text[position] == '"'))
        {
            var quote = text[position++];
            var name = new StringBuilder();
            while (true)
            {
                if (position >= text.Length)
                {
                    throw Error(text, position, $"the quoted name is not closed with {quote}");
                }

                var c = text[position++];
                if (c == '\\' && position < text.Length)
                {
                    name.Append(text[position++]);
                }
                else if (c == quote)
                {
                    break;
                }
                else
                {
                    name.Append(c);
                }
            }

            if (position >= text.Length || text[position] != ']')
            {
                throw Error(text, position, "expected ']'");
            }

            segments.Add(new Segment(name.ToString(), 0));
            return position + 1;
        }

        var close = text.IndexOf(']', position);
        if (close < 0)
        {
            throw Error(text, position, "expected ']'");
        }

        var number = text[position..close].Trim();
        if (!int.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            throw Error(text, position, $"'{number}' is not an array index (write ['name'] for a property)");
        }

        segments.Add(new Segment(null, index));
        return close + 1;
    }

    private static FormatException Error(string text, int position, string reason)
        => new($"'{text}' is not a valid JSON path at position {position + 1}: {reason}. Write paths such as $.items[0].name or items[0]['odd key'].");
}
