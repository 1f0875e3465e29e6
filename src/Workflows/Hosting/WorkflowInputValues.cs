using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
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
                throw new WorkflowInputException(workflowName, name, $"Workflow '{workflowName}' has no input '{Excerpt(name)}': {expected}.");
            }
        }
    }

    /// <summary>
    /// Fails when required inputs of <paramref name="inputs"/> were not given, naming all of them at once (the
    /// generated code would stop at the first).
    /// </summary>
    /// <exception cref="WorkflowInputException">Required inputs are missing.</exception>
    public void CheckRequired(string workflowName, IReadOnlyList<WorkflowParameter> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var missing = new List<WorkflowParameter>();
        foreach (var input in inputs)
        {
            if (input.IsRequired && !_text.ContainsKey(input.Name) && !_json.ContainsKey(input.Name))
            {
                missing.Add(input);
            }
        }

        if (missing.Count == 1)
        {
            throw new WorkflowInputException(workflowName, missing[0].Name, $"Workflow '{workflowName}' needs input '{missing[0].Name}' ({missing[0].Type}): give it as {missing[0].Name}=<value> or in the inputs file.");
        }

        if (missing.Count > 1)
        {
            var names = new List<string>();
            foreach (var input in missing)
            {
                names.Add($"'{input.Name}' ({input.Type})");
            }

            throw new WorkflowInputException(workflowName, null,
                $"Workflow '{workflowName}' needs inputs {string.Join(", ", names.GetRange(0, names.Count - 1))} and {names[^1]}: give each as name=<value> or in the inputs file.");
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
                $"Input '{name}' of workflow '{workflowName}' has type {TypeName<T>()}, which has no JSON metadata: list the type in the workflow's json_context to give it from outside.");
        }

        try
        {
            if (!isText)
            {
                value = _json[name].Deserialize(info)!;
                return true;
            }

            if (TryDeserialize(text!, info, out value, out var asJson) || TryDeserialize(JsonSerializer.Serialize(text!, BuiltInJsonContext.Default.String), info, out value, out _))
            {
                return true;
            }

            // Text that is JSON but not of the type (a record with a wrong field): that error names the field.
            throw Invalid<T>(workflowName, name, text!, IsJson(text!) ? asJson : null);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw Invalid<T>(workflowName, name, isText ? text! : _json[name].GetRawText(), exception);
        }
    }

    private static bool TryDeserialize<T>(string json, JsonTypeInfo<T> info, out T value, out JsonException? error)
    {
        try
        {
            value = JsonSerializer.Deserialize(json, info)!;
            error = null;
            return true;
        }
        catch (JsonException exception)
        {
            value = default!;
            error = exception;
            return false;
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// What is wrong with a value: for a JSON value whose part does not fit (a field of a record, an item of an array),
    /// that part's path and why; the value itself only as an excerpt, as it may be huge.
    /// </summary>
    private static WorkflowInputException Invalid<T>(string workflowName, string name, string given, Exception? inner)
    {
        var type = TypeName<T>();
        var where = inner is JsonException { Path: { Length: > 1 } path } && path.StartsWith('$') ? name + path[1..] : null;
        var why = inner is null ? null : Reason(inner.Message);
        var message = where is not null
            ? $"Input '{name}' of workflow '{workflowName}' has type {type}: in the value given, '{where}' is not valid{(why is null ? "." : ": " + why)}"
            : $"Input '{name}' of workflow '{workflowName}' has type {type}: the value given ({Excerpt(given)}) is not a valid {type}{(why is null ? "." : ": " + why)}";
        return new(workflowName, name, message, inner);
    }

    /// <summary>A System.Text.Json message without its " Path: $.x | LineNumber: ..." tail (the path is named already).</summary>
    private static string Reason(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var reason = at >= 0 ? message[..at] : message;
        return Excerpt(reason.Trim());
    }

    /// <summary>At most 200 characters of a text given from outside, and how long it was when cut.</summary>
    internal static string Excerpt(string text)
        => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "... (", text.Length.ToString(CultureInfo.InvariantCulture), " characters)");

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
