using System;
using System.Collections.Generic;
using System.Text.Json;
using Workflows.Hosting;

namespace Workflows.AspNetCore;

/// <summary>
/// The JSON shape of a workflow's typed inputs and outputs, from the C# types the generator wrote into its registration
/// (<see cref="WorkflowParameter.Type"/>): what the API checks a request against, and what the OpenAPI document shows.
/// </summary>
internal static class InputSchema
{
    private static readonly HashSet<string> s_integers = new(StringComparer.Ordinal)
    {
        "int", "long", "short", "byte", "sbyte", "uint", "ulong", "ushort", "System.Int32", "System.Int64", "System.Int16", "System.Byte",
    };

    private static readonly HashSet<string> s_numbers = new(StringComparer.Ordinal) { "double", "float", "decimal", "System.Double", "System.Single", "System.Decimal" };

    private static readonly HashSet<string> s_texts = new(StringComparer.Ordinal)
    {
        "string", "char", "System.String", "System.DateTime", "System.DateTimeOffset", "System.DateOnly", "System.TimeOnly", "System.TimeSpan", "System.Guid", "System.Uri",
        "DateTime", "DateTimeOffset", "DateOnly", "TimeOnly", "TimeSpan", "Guid", "Uri",
    };

    /// <summary>
    /// string, integer, number, boolean, array, or any: a type of the app's own (a record, an enum) whose JSON shape
    /// depends on its converters, so that only the generated reader can tell a value's fit.
    /// </summary>
    public static string JsonType(string type)
    {
        var bare = Bare(type, out _);
        if (s_integers.Contains(bare))
        {
            return "integer";
        }

        if (s_numbers.Contains(bare))
        {
            return "number";
        }

        if (bare is "bool" or "System.Boolean")
        {
            return "boolean";
        }

        if (s_texts.Contains(bare))
        {
            return "string";
        }

        if (ItemType(bare) is not null)
        {
            return "array";
        }

        return "any";
    }

    /// <summary>The item type of an array or list type; null for other types.</summary>
    public static string? ItemType(string type)
    {
        var bare = Bare(type, out _);
        if (bare.EndsWith("[]", StringComparison.Ordinal))
        {
            return bare[..^2];
        }

        foreach (var list in new[] { "List<", "IReadOnlyList<", "IList<", "IEnumerable<", "ICollection<", "IReadOnlyCollection<", "ImmutableArray<" })
        {
            var at = bare.IndexOf(list, StringComparison.Ordinal);
            if (at >= 0 && (at == 0 || bare[at - 1] == '.') && bare.EndsWith('>'))
            {
                return bare[(at + list.Length)..^1];
            }
        }

        return null;
    }

    public static bool IsNullable(string type)
    {
        Bare(type, out var nullable);
        return nullable;
    }

    private static string Bare(string type, out bool nullable)
    {
        var bare = type.Trim();
        if (bare.StartsWith("global::", StringComparison.Ordinal))
        {
            bare = bare["global::".Length..];
        }

        nullable = bare.EndsWith('?');
        return nullable ? bare[..^1] : bare;
    }

    /// <summary>
    /// Every problem of the request's inputs at once, by field: unknown names, missing required inputs, values of the
    /// wrong JSON type. The generated reader then reads the values into the typed record (and names what it refuses).
    /// </summary>
    public static Dictionary<string, string[]> Check(WorkflowRegistration registration, JsonElement inputs)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var known = new Dictionary<string, WorkflowParameter>(StringComparer.Ordinal);
        foreach (var input in registration.Inputs)
        {
            known[input.Name] = input;
        }

        foreach (var property in inputs.EnumerateObject())
        {
            if (!known.TryGetValue(property.Name, out var input))
            {
                errors[Field(property.Name)] = [known.Count == 0
                    ? $"Workflow '{registration.Name}' has no inputs."
                    : $"Workflow '{registration.Name}' has no input '{Excerpt(property.Name)}': its inputs are {string.Join(", ", known.Keys)}."];
                continue;
            }

            var kind = property.Value.ValueKind;
            if (kind == JsonValueKind.Null)
            {
                if (input.IsRequired || !IsNullable(input.Type))
                {
                    errors[input.Name] = [$"Input '{input.Name}' ({input.Type}) cannot be null."];
                }

                continue;
            }

            var expected = JsonType(input.Type);
            var fits = expected switch
            {
                "integer" => kind == JsonValueKind.Number && property.Value.TryGetDecimal(out var number) && decimal.Truncate(number) == number,
                "number" => kind == JsonValueKind.Number,
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                "string" => kind == JsonValueKind.String,
                "array" => kind == JsonValueKind.Array,
                _ => true,
            };
            if (!fits)
            {
                errors[input.Name] = [$"Input '{input.Name}' has type {input.Type}: give {Article(expected)} {expected}, not {Describe(kind)}."];
            }
        }

        foreach (var input in registration.Inputs)
        {
            if (input.IsRequired && !inputs.TryGetProperty(input.Name, out _))
            {
                errors[input.Name] = [$"Input '{input.Name}' ({input.Type}) is required."];
            }
        }

        return errors;
    }

    private static string Field(string name) => Excerpt(name);

    private static string Excerpt(string text) => text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "...");

    private static string Article(string type) => type is "integer" or "array" ? "an" : "a";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
