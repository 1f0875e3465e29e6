using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Generators.Yaml;

/// <summary>
/// Writes a YAML tree as indented JSON, for tools that export a workflow's definition as JSON (the runtime has no
/// YAML parser, so the conversion happens at build time). Plain scalars follow the YAML 1.2 core schema: null,
/// booleans and numbers become JSON values, everything else (and every quoted scalar) a string.
/// </summary>
internal static class YamlJsonWriter
{
    private static readonly Regex s_number = new(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

    public static string Write(YamlNode root)
    {
        var builder = new StringBuilder();
        Write(builder, root, 0);
        builder.Append('\n');
        return builder.ToString();
    }

    // Recursion is bounded: the tree reader refuses documents nested deeper than its limit.
    private static void Write(StringBuilder builder, YamlNode node, int depth)
    {
        switch (node)
        {
            case YamlMapping mapping when mapping.Entries.Count == 0:
                builder.Append("{}");
                break;
            case YamlMapping mapping:
                builder.Append('{');
                for (var i = 0; i < mapping.Entries.Count; i++)
                {
                    builder.Append(i == 0 ? "\n" : ",\n");
                    Indent(builder, depth + 1);
                    String(builder, mapping.Entries[i].Key is YamlScalar key ? key.Value : string.Empty);
                    builder.Append(": ");
                    Write(builder, mapping.Entries[i].Value, depth + 1);
                }

                builder.Append('\n');
                Indent(builder, depth);
                builder.Append('}');
                break;
            case YamlSequence sequence when sequence.Items.Count == 0:
                builder.Append("[]");
                break;
            case YamlSequence sequence:
                builder.Append('[');
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    builder.Append(i == 0 ? "\n" : ",\n");
                    Indent(builder, depth + 1);
                    Write(builder, sequence.Items[i], depth + 1);
                }

                builder.Append('\n');
                Indent(builder, depth);
                builder.Append(']');
                break;
            case YamlScalar scalar:
                Scalar(builder, scalar);
                break;
        }
    }

    private static void Scalar(StringBuilder builder, YamlScalar scalar)
    {
        if (scalar.IsNull)
        {
            builder.Append("null");
        }
        else if (scalar.IsPlain && scalar.Value is "true" or "True" or "TRUE")
        {
            builder.Append("true");
        }
        else if (scalar.IsPlain && scalar.Value is "false" or "False" or "FALSE")
        {
            builder.Append("false");
        }
        else if (scalar.IsPlain && s_number.IsMatch(scalar.Value))
        {
            builder.Append(scalar.Value);
        }
        else
        {
            String(builder, scalar.Value);
        }
    }

    private static void Indent(StringBuilder builder, int depth) => builder.Append(' ', depth * 2);

    private static void String(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }

        builder.Append('"');
    }
}
