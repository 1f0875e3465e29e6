using System;
using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Workflows.Durability;

/// <summary>
/// JSON for durable runs, through source-generated metadata only (AOT and trimming safe): the workflow's
/// <c>json_context</c> combined with <see cref="BuiltInJsonContext"/> for the common framework types.
/// Not meant to be used directly: generated code calls it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DurableJson
{
    /// <summary>Options whose resolver is the workflow's context, then the built-in one.</summary>
    public static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver context)
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = JsonTypeInfoResolver.Combine(context, BuiltInJsonContext.Default) };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Options that know the built-in types only: for workflows without a <c>json_context</c>.</summary>
    public static JsonSerializerOptions BuiltInOptions { get; } = CreateBuiltInOptions();

    private static JsonSerializerOptions CreateBuiltInOptions()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = BuiltInJsonContext.Default };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The metadata of <typeparamref name="T"/>; the generator has checked at build time that there is some.</summary>
    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    /// <summary>The value as JSON text.</summary>
    public static string Serialize<T>(T value, JsonSerializerOptions options) => JsonSerializer.Serialize(value, Info<T>(options));

    /// <summary>The value read from JSON text.</summary>
    public static T Deserialize<T>(string json, JsonSerializerOptions options) => JsonSerializer.Deserialize(json, Info<T>(options))!;

    /// <summary>Starts a JSON object of named values (a run's inputs or outputs).</summary>
    public static ObjectWriter BeginObject() => new();

    /// <summary>Reads a named value of a JSON object written by <see cref="ObjectWriter"/>; default when absent.</summary>
    public static T Read<T>(JsonElement obj, string name, JsonSerializerOptions options)
        => obj.TryGetProperty(name, out var value) ? value.Deserialize(Info<T>(options))! : default!;

    /// <summary>Parses the JSON object of a run's inputs or outputs.</summary>
    public static JsonDocument Parse(string json) => JsonDocument.Parse(json);

    /// <summary>Writes a JSON object property by property, each with its own type's metadata.</summary>
    public sealed class ObjectWriter : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private readonly Utf8JsonWriter _writer;

        internal ObjectWriter()
        {
            _writer = new Utf8JsonWriter(_buffer);
            _writer.WriteStartObject();
        }

        /// <summary>Adds one property.</summary>
        public ObjectWriter Write<T>(string name, T value, JsonSerializerOptions options)
        {
            _writer.WritePropertyName(name);
            JsonSerializer.Serialize(_writer, value, Info<T>(options));
            return this;
        }

        /// <summary>
        /// Adds one property, as JSON when <paramref name="options"/> have metadata for <typeparamref name="T"/>, else as
        /// its <see cref="object.ToString"/> text (outputs shown by tools for workflows without a <c>json_context</c>).
        /// </summary>
        public ObjectWriter WriteOrText<T>(string name, T value, JsonSerializerOptions options)
        {
            _writer.WritePropertyName(name);
            if (options.TryGetTypeInfo(typeof(T), out var info) && info is JsonTypeInfo<T> typed)
            {
                JsonSerializer.Serialize(_writer, value, typed);
            }
            else if (value is null)
            {
                _writer.WriteNullValue();
            }
            else
            {
                _writer.WriteStringValue(value.ToString());
            }

            return this;
        }

        /// <summary>Adds one property whose value is already JSON text (a called workflow's outputs).</summary>
        public ObjectWriter WriteRaw(string name, string json)
        {
            _writer.WritePropertyName(name);
            _writer.WriteRawValue(json, skipInputValidation: true);
            return this;
        }

        /// <summary>The object's JSON text.</summary>
        public string Complete()
        {
            _writer.WriteEndObject();
            _writer.Flush();
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }

        /// <inheritdoc/>
        public void Dispose() => _writer.Dispose();
    }
}

/// <summary>
/// Metadata for the framework types a workflow's inputs, outputs and steps commonly use, so that a
/// workflow's <c>json_context</c> needs to list only its own types.
/// </summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(char))]
[JsonSerializable(typeof(byte))]
[JsonSerializable(typeof(sbyte))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(decimal?))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(TimeSpan))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(Uri))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(BuiltIns.ProcessResult))]
[JsonSerializable(typeof(BuiltIns.FileResult))]
public sealed partial class BuiltInJsonContext : JsonSerializerContext
{
}
