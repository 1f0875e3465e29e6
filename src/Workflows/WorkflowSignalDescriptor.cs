using System;

namespace Workflows;

/// <summary>A signal a step of a generated workflow waits for (<c>signal:</c>), with its payload type.</summary>
public sealed class WorkflowSignalDescriptor
{
    private readonly Action<string>? _checkPayload;

    /// <summary>Creates a signal descriptor. Called by generated code.</summary>
    /// <param name="name">The signal's name.</param>
    /// <param name="stepId">The step that waits for it.</param>
    /// <param name="payloadType">The payload's C# type; null when the signal carries none.</param>
    /// <param name="checkPayload">Reads a payload's JSON as <paramref name="payloadType"/>, throwing when it does not fit.</param>
    public WorkflowSignalDescriptor(string name, string stepId, string? payloadType, Action<string>? checkPayload = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        StepId = stepId ?? throw new ArgumentNullException(nameof(stepId));
        PayloadType = payloadType;
        _checkPayload = checkPayload;
    }

    /// <summary>The signal's name.</summary>
    public string Name { get; }

    /// <summary>The step that waits for it.</summary>
    public string StepId { get; }

    /// <summary>The payload's C# type; null when the signal carries none.</summary>
    public string? PayloadType { get; }

    /// <summary>
    /// Null when <paramref name="payloadJson"/> fits the payload type (or the signal takes none and none is given);
    /// otherwise why not, in one sentence, for whoever typed it.
    /// </summary>
    public string? CheckPayload(string? payloadJson)
    {
        if (PayloadType is null)
        {
            return string.IsNullOrWhiteSpace(payloadJson) || payloadJson.Trim() == "null"
                ? null
                : $"signal '{Name}' carries no payload; send it without data";
        }

        if (string.IsNullOrWhiteSpace(payloadJson))
        {
            return $"signal '{Name}' needs a payload of type {PayloadType}; give it as JSON";
        }

        try
        {
            _checkPayload?.Invoke(payloadJson);
            return null;
        }
        catch (System.Text.Json.JsonException exception)
        {
            // The serializer's message names the JSON path and the type, never the payload's values.
            return $"the payload does not fit {PayloadType}: {exception.Message}";
        }
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException or FormatException)
        {
            return $"the payload does not fit {PayloadType}: {exception.Message}";
        }
    }
}
