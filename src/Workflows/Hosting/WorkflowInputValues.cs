using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Workflows.Durability;

namespace Workflows.Hosting;

/// <summary>
/// A workflow's inputs as given from outside: values from a JSON object (a file) and <c>name=value</c> text (a
/// command line; text wins over the file). The generated <c>Registration.InvokeAsync</c> reads them into the typed
/// <c>Inputs</c> record, with source-generated JSON metadata only (no reflection).
/// </summary>
/// <remarks>
/// Text is taken as JSON when it is JSON of the input's type (<c>42</c>, <c>true</c>, <c>[1,2]</c>) and as a JSON string
/// otherwise (<c>2026-01-31</c>, <c>00:05:00</c>, a GUID); a <see cref="string"/> input takes the text as it is.
/// </remarks>
public sealed class WorkflowInputValues
{
    private readonly Dictionary<string, string> _text;
    private readonly Dictionary<string, JsonElement> _json;

    /// <summary>No inputs.</summary>
    public static WorkflowInputValues Empty { get; } = new();

    /// <summary>Creates the values.</summary>
    /// <param name="text">Values as text, by input name.</param>
    /// <param name="json">A JSON object whose properties are inputs; <paramref name="text"/> wins for names in both.</param>
    /// <exception cref="ArgumentException"><paramref name="json"/> is not a JSON object.</exception>
    public WorkflowInputValues(IEnumerable<KeyValuePair<string, string>>? text = null, JsonElement? json = null)
    {
        _text = new Dictionary<string, string>(StringComparer.Ordinal);
        _json = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (json is { } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"The inputs must be a JSON object, not {element.ValueKind}.", nameof(json));
            }

            foreach (var property in element.EnumerateObject())
            {
                _json[property.Name] = property.Value.Clone();
            }
        }

        if (text is not null)
        {
            foreach (var pair in text)
            {
                _text[pair.Key] = pair.Value ?? throw new ArgumentException($"Input '{pair.Key}' has no value.", nameof(text));
                _json.Remove(pair.Key);
            }
        }
    }

    /// <summary>The names given.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var name in _json.Keys)
            {
                yield return name;
            }

            foreach (var name in _text.Keys)
            {
                yield return name;
            }
        }
    }

    /// <summary>Fails on a name that is not one of <paramref name="known"/>. Called by generated code.</summary>
    /// <exception cref="WorkflowInputException">An unknown name was given.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckNames(string workflowName, IReadOnlyList<string> known)
    {
        foreach (var name in Names)
        {
            if (!Contains(known, name))
            {
                var expected = known.Count == 0 ? "it has no inputs" : "its inputs are " + string.Join(", ", known);
                throw new WorkflowInputException(workflowName, name, $"Workflow '{workflowName}' has no input '{name}': {expected}.");
            }
        }
    }

    /// <summary>The value of a required input. Called by generated code.</summary>
    /// <exception cref="WorkflowInputException">It was not given, or is not a <typeparamref name="T"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public T GetRequired<T>(string workflowName, string name, JsonSerializerOptions options)
        => TryGet<T>(workflowName, name, options, out var value)
            ? value
            : throw new WorkflowInputException(workflowName, name, $"Workflow '{workflowName}' needs input '{name}' ({TypeName<T>()}): give it as {name}=<value> or in the inputs file.");

    /// <summary>The value of an optional input, or <paramref name="fallback"/> when it was not given. Called by generated code.</summary>
    /// <exception cref="WorkflowInputException">It is not a <typeparamref name="T"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public T GetOptional<T>(string workflowName, string name, JsonSerializerOptions options, T fallback)
        => TryGet<T>(workflowName, name, options, out var value) ? value : fallback;

    private bool TryGet<T>(string workflowName, string name, JsonSerializerOptions options, out T value)
    {
        value = default!;
        var isText = _text.TryGetValue(name, out var text);
        if (!isText && !_json.TryGetValue(name, out _))
        {
            return false;
        }

        if (isText && typeof(T) == typeof(string))
        {
            value = (T)(object)text!;
            return true;
        }

        if (!options.TryGetTypeInfo(typeof(T), out var metadata) || metadata is not JsonTypeInfo<T> info)
        {
            throw new WorkflowInputException(workflowName, name,
                $"Input '{name}' of workflow '{workflowName}' is a {TypeName<T>()}, which has no JSON metadata: list the type in the workflow's json_context to give it from outside.");
        }

        try
        {
            if (!isText)
            {
                value = _json[name].Deserialize(info)!;
                return true;
            }

            if (TryDeserialize(text!, info, out value) || TryDeserialize(JsonSerializer.Serialize(text!, BuiltInJsonContext.Default.String), info, out value))
            {
                return true;
            }
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw Invalid<T>(workflowName, name, isText ? text! : _json[name].GetRawText(), exception);
        }

        throw Invalid<T>(workflowName, name, text!, null);
    }

    private static bool TryDeserialize<T>(string json, JsonTypeInfo<T> info, out T value)
    {
        try
        {
            value = JsonSerializer.Deserialize(json, info)!;
            return true;
        }
        catch (JsonException)
        {
            value = default!;
            return false;
        }
    }

    private static WorkflowInputException Invalid<T>(string workflowName, string name, string given, Exception? inner)
        => new(workflowName, name, $"Input '{name}' of workflow '{workflowName}' is a {TypeName<T>()}: {given} is not one.", inner);

    private static string TypeName<T>() => Nullable.GetUnderlyingType(typeof(T)) is { } underlying ? underlying.Name + "?" : typeof(T).Name;

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return true;
            }
        }

        return false;
    }
}
