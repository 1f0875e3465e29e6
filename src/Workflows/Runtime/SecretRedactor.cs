using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace Workflows.Runtime;

/// <summary>
/// Reads <c>${{ secrets.NAME }}</c> for generated code, and keeps every value it revealed out of exception
/// messages, logs, events and run reports. The set of revealed values is process-wide: a value is redacted
/// everywhere once any run has read it (over-redacting is safe; under-redacting is not).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SecretRedactor
{
    /// <summary>What replaces a secret's value.</summary>
    public const string Mask = "***";

    /// <summary>Values shorter than this are not redacted: masking every "a" would hide everything and protect nothing.</summary>
    public const int MinimumLength = 4;

    private static readonly object s_gate = new();
    private static string[] s_values = Array.Empty<string>();

    /// <summary>The value of secret <paramref name="name"/>, from the options' provider (environment variables by default).</summary>
    /// <exception cref="WorkflowSecretNotFoundException">No such secret.</exception>
    public static string Get(WorkflowOptions options, string workflowName, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        var provider = options.Secrets ?? EnvironmentSecrets.Default;
        if (!provider.TryGetSecret(name, out var value))
        {
            throw new WorkflowSecretNotFoundException(workflowName, name);
        }

        Remember(value);
        return value;
    }

    /// <summary>Marks <paramref name="value"/> as secret from now on.</summary>
    public static void Remember(string value)
    {
        if (value.Length < MinimumLength || Array.IndexOf(Volatile.Read(ref s_values), value) >= 0)
        {
            return;
        }

        lock (s_gate)
        {
            if (Array.IndexOf(s_values, value) < 0)
            {
                var values = new List<string>(s_values) { value };
                // Longest first, so that a secret containing another is masked whole.
                values.Sort(static (a, b) => b.Length.CompareTo(a.Length));
                Volatile.Write(ref s_values, values.ToArray());
            }
        }
    }

    /// <summary>True once some secret was revealed: until then redaction costs nothing.</summary>
    public static bool IsActive => Volatile.Read(ref s_values).Length > 0;

    /// <summary>The text with every revealed secret masked.</summary>
    public static string Redact(string text)
    {
        var values = Volatile.Read(ref s_values);
        if (values.Length == 0 || string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var value in values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>
    /// JSON text with every revealed secret masked inside its strings (values and property names), still valid JSON;
    /// the text itself when it holds none. Secrets are found as written and as JSON escapes them (<c>\u002B</c>, ...).
    /// Numbers, booleans and the structure are left as they are.
    /// </summary>
    public static string? RedactJson(string? json)
    {
        var values = Volatile.Read(ref s_values);
        if (values.Length == 0 || string.IsNullOrEmpty(json) || !ContainsAny(json, values))
        {
            return json;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return Redact(json);
        }

        return RedactNode(node)?.ToJsonString() ?? "null";
    }

    private static bool ContainsAny(string json, string[] values)
    {
        foreach (var value in values)
        {
            if (json.Contains(value, StringComparison.Ordinal) || json.Contains(JsonEncodedText.Encode(value).Value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static JsonNode? RedactNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var masked = new JsonObject();
                foreach (var property in obj.ToArray())
                {
                    obj.Remove(property.Key);
                    masked[Redact(property.Key)] = RedactNode(property.Value);
                }

                return masked;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array.ToArray())
                {
                    array.Remove(item);
                    items.Add(RedactNode(item));
                }

                return items;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var redacted = Redact(text);
                return ReferenceEquals(redacted, text) ? value : JsonValue.Create(redacted);
            default:
                return node;
        }
    }

    /// <summary>
    /// The exception itself when nothing in its chain holds a secret; otherwise a copy with every secret masked.
    /// <see cref="ForEachFailedException"/> and <see cref="BuiltIns.ProcessFailedException"/> keep their type (so a
    /// report still lists the failed items) with every failure, output and message masked; any other exception
    /// becomes a <see cref="RedactedException"/> with the same type name, the message masked and the stack trace
    /// kept as text.
    /// </summary>
    public static Exception Redact(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!IsActive || !Reveals(exception))
        {
            return exception;
        }

        var stackTrace = Redact(exception.StackTrace ?? string.Empty);
        switch (exception)
        {
            case ForEachFailedException forEach:
                var failures = new ForEachItemFailure[forEach.Failures.Count];
                for (var i = 0; i < failures.Length; i++)
                {
                    failures[i] = new ForEachItemFailure(forEach.Failures[i].Index, Redact(forEach.Failures[i].Exception));
                }

                return new ForEachFailedException(forEach.ItemCount, failures, stackTrace);
            case BuiltIns.ProcessFailedException process when process.Command.Length > 0:
                return new BuiltIns.ProcessFailedException(process.Command, process.ExitCode, process.StandardOutput, process.StandardError, stackTrace);
        }

        var inner = exception.InnerException is { } cause ? Redact(cause) : null;
        return new RedactedException(exception.GetType().FullName ?? exception.GetType().Name, Redact(exception.Message), stackTrace, inner);
    }

    private static bool Reveals(string? text) => text is not null && !ReferenceEquals(Redact(text), text);

    private static bool Reveals(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (Reveals(current.Message) || Reveals(current.StackTrace))
            {
                return true;
            }

            switch (current)
            {
                // Text kept outside the message: every item's failure (the message names three at most), a process's output.
                case ForEachFailedException forEach:
                    foreach (var failure in forEach.Failures)
                    {
                        if (Reveals(failure.Exception))
                        {
                            return true;
                        }
                    }

                    break;
                case BuiltIns.ProcessFailedException process when Reveals(process.Command) || Reveals(process.StandardOutput) || Reveals(process.StandardError):
                    return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Stands for an exception whose message revealed a secret: same type name, the message with the secret
/// masked, and the original stack trace as text.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string _stackTrace;

    /// <summary>Creates the stand-in.</summary>
    public RedactedException(string originalType, string message, string stackTrace, Exception? innerException)
        : base(message, innerException)
    {
        OriginalType = originalType;
        _stackTrace = stackTrace;
    }

    /// <summary>The full name of the exception type this stands for.</summary>
    public string OriginalType { get; }

    /// <inheritdoc/>
    public override string StackTrace => _stackTrace;

    /// <inheritdoc/>
    public override string ToString() => OriginalType + ": " + Message + Environment.NewLine + _stackTrace;
}

/// <summary>A <c>${{ secrets.NAME }}</c> has no value in the run's secret provider.</summary>
public sealed class WorkflowSecretNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowSecretNotFoundException(string workflowName, string secretName)
        : base($"Workflow '{workflowName}' reads secret '{secretName}', which its secret provider does not have. Set it (by default, as the environment variable '{secretName}'), or pass WorkflowOptions.Secrets.")
    {
        WorkflowName = workflowName;
        SecretName = secretName;
    }

    /// <summary>The workflow.</summary>
    public string WorkflowName { get; }

    /// <summary>The missing secret's name.</summary>
    public string SecretName { get; }
}
