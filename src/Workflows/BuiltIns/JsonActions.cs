using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Workflows.BuiltIns;

/// <summary>The built-in <c>json.parse</c> and <c>json.get</c> actions (System.Text.Json nodes, no reflection).</summary>
public static class JsonActions
{
    /// <summary>Parses JSON text.</summary>
    /// <param name="text">The JSON text.</param>
    /// <returns>The parsed node; null for the JSON literal <c>null</c>.</returns>
    /// <exception cref="System.Text.Json.JsonException">The text is not valid JSON.</exception>
    [WorkflowAction("json.parse", Description = "Parses JSON text into a JsonNode.")]
    public static JsonNode? Parse(string text) => JsonNode.Parse(text);

    /// <summary>Reads one value out of JSON text by a path.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="path">
    /// A path such as <c>$.items[0].name</c>, <c>items[0].name</c>, <c>$['odd key'].x</c> or <c>[2]</c>:
    /// property names after <c>.</c> or in quotes in brackets, array indexes in brackets (negative counts
    /// from the end). <c>$</c> (or an empty path) is the whole document.
    /// </param>
    /// <param name="required">When true, a path that leads nowhere fails the step; by default it gives <c>Found: false</c>.</param>
    /// <returns>Whether the value was found, the node and its text.</returns>
    [WorkflowAction("json.get", Description = "Reads a value out of JSON text by a path such as $.items[0].name.")]
    public static JsonGetResult Get(string json, string path, bool required = false)
    {
        var segments = JsonPath.Parse(path);
        var node = JsonNode.Parse(json);
        var found = JsonPath.TryNavigate(node, segments, out var value);
        if (!found && required)
        {
            throw new KeyNotFoundException($"json.get: nothing at '{path}' in the JSON. Set required: false to get Found: false instead.");
        }

        return new JsonGetResult(found, value);
    }
}
