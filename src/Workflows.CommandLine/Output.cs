using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Workflows.CommandLine;

/// <summary>The exit codes of the command line.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The workflow failed, the operation was refused, or the command was cancelled.</summary>
    public const int Failed = 1;

    /// <summary>Invalid usage or input: unknown workflow or run, bad input, parse errors.</summary>
    public const int Usage = 2;
}

/// <summary>A mistake of the user's (exit code 2): the message says what was wrong and what to do.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }
}

/// <summary>The operation was refused or could not be done (exit code 1): the message says why.</summary>
internal sealed class RefusedException : Exception
{
    public RefusedException(string message)
        : base(message)
    {
    }
}

/// <summary>Text formatting shared by the commands.</summary>
internal static class Format
{
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) => value is { } v ? Time(v) : "-";

    public static string Local(DateTimeOffset value) => value.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan value)
        => value < TimeSpan.FromSeconds(1)
            ? ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms"
            : value < TimeSpan.FromMinutes(1)
                ? value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
                : value.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);

    public static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Status(Durability.RunStatus status) => status.ToString().ToLowerInvariant();

    public static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
}

/// <summary>A table of left-aligned columns separated by two spaces.</summary>
internal static class TextTable
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = new int[headers.Count];
        for (var c = 0; c < headers.Count; c++)
        {
            widths[c] = headers[c].Length;
        }

        foreach (var row in rows)
        {
            for (var c = 0; c < headers.Count; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        WriteRow(writer, headers, widths);
        foreach (var row in rows)
        {
            WriteRow(writer, row, widths);
        }
    }

    private static void WriteRow(TextWriter writer, IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var c = 0; c < widths.Length; c++)
        {
            if (c > 0)
            {
                line.Append("  ");
            }

            line.Append(c == widths.Length - 1 ? cells[c] : cells[c].PadRight(widths[c]));
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }
}

/// <summary>Indented JSON written with <see cref="Utf8JsonWriter"/> (no reflection).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            write(json);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>Writes JSON text indented; text that is not JSON is written as it is.</summary>
    public static void WritePretty(TextWriter writer, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            writer.WriteLine(json);
            return;
        }

        using (document)
        {
            Write(writer, w => document.RootElement.WriteTo(w));
        }
    }

    /// <summary>Writes a property holding JSON text as JSON (a string when the text is not JSON), or null.</summary>
    public static void WriteEmbedded(Utf8JsonWriter writer, string name, string? json)
    {
        writer.WritePropertyName(name);
        if (json is null)
        {
            writer.WriteNullValue();
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(json);
        }
    }

    public static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
