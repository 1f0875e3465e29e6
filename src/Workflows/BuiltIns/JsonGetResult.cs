using System.Text.Json.Nodes;

namespace Workflows.BuiltIns;

/// <summary>The output of <c>json.get</c>.</summary>
public sealed class JsonGetResult
{
    /// <summary>Creates the result.</summary>
    public JsonGetResult(bool found, JsonNode? value)
    {
        Found = found;
        Value = value;
        Text = value switch
        {
            null => null,
            JsonValue scalar when scalar.TryGetValue<string>(out var text) => text,
            _ => value.ToJsonString(),
        };
    }

    /// <summary>True when the path leads to a property or element (whose value may be JSON <c>null</c>).</summary>
    public bool Found { get; }

    /// <summary>The node found; null when not found or JSON <c>null</c>.</summary>
    public JsonNode? Value { get; }

    /// <summary>
    /// The value as text: a JSON string's content, other values as JSON (<c>42</c>, <c>true</c>,
    /// <c>{"a":1}</c>); null when not found or JSON <c>null</c>.
    /// </summary>
    public string? Text { get; }
}
