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

    /// <summary>Line breaks as spaces, and (<see cref="Terminal"/>) control characters escaped, a lone carriage return included.</summary>
    public static string OneLine(string text) => Terminal(text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' '));

    /// <summary>
    /// Text from a store or a workflow (run ids, values, errors), safe to print: control characters (a terminal's
    /// escape sequences, a carriage return that overwrites the line) and bidirectional overrides are shown as
    /// <c>\x1B</c> or <c>\u202E</c>; line breaks and tabs stay.
    /// </summary>
    public static string Terminal(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAny(s_unsafe))
        {
            return text ?? string.Empty;
        }

        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!s_unsafe.Contains(c))
            {
                safe.Append(c);
            }
            else
            {
                safe.Append(c <= '\u00FF' ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            }
        }

        return safe.ToString();
    }

    // C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates.
    private static readonly SearchValues<char> s_unsafe = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F" +
        "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F" +
        "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>At most 200 characters of a text given from outside (a huge value echoed into an error), and how long it was when cut.</summary>
    public static string Excerpt(string text)
        => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "... (", Number(text.Length), " characters)");

    /// <summary>A size in bytes as people read it: 16 MiB, 512 KiB, 100 bytes.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => Number(bytes / (1024 * 1024)) + " MiB",
        >= 1024 when bytes % 1024 == 0 => Number(bytes / 1024) + " KiB",
        _ => Number(bytes) + " bytes",
    };
}

/// <summary>A table of left-aligned columns separated by two spaces; cells are made safe for a terminal.</summary>
internal static class TextTable
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var safe = new List<IReadOnlyList<string>>(rows.Count);
        foreach (var row in rows)
        {
            var cells = new string[row.Count];
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = Format.OneLine(row[c]);
            }

            safe.Add(cells);
        }

        rows = safe;
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
