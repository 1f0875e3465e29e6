using System;
using System.Globalization;

namespace Workflows.Text;

/// <summary>
/// The size grammar of the built-in actions' limits (<c>max_output_size</c> of <c>process.run</c>,
/// <c>max_response_size</c> of <c>http.*</c>): a whole number of bytes, optionally followed by <c>KB</c>, <c>MB</c> or
/// <c>GB</c> (powers of 1024; <c>KiB</c>, <c>MiB</c>, <c>GiB</c> mean the same), as in <c>65536</c>, <c>512KB</c>, <c>10MB</c>.
/// </summary>
internal static class SizeParser
{
    /// <summary>Parses <paramref name="text"/> into a number of bytes (at least 1), or throws a <see cref="FormatException"/> naming it.</summary>
    public static long Parse(string text, string parameterName)
    {
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
        {
            digits++;
        }

        var unit = trimmed[digits..].Trim().ToUpperInvariant();
        long multiplier = unit switch
        {
            "" or "B" => 1,
            "KB" or "KIB" => 1L << 10,
            "MB" or "MIB" => 1L << 20,
            "GB" or "GIB" => 1L << 30,
            _ => 0,
        };

        if (digits == 0 || multiplier == 0
            || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number < 1 || number > long.MaxValue / multiplier)
        {
            throw new FormatException($"'{text}' is not a valid size for '{parameterName}': write a whole number of bytes, or one followed by KB, MB or GB, as in 65536, 512KB or 10MB.");
        }

        return number * multiplier;
    }

    /// <summary>The size as people write it: <c>10MB</c>, <c>512KB</c>, or a number of bytes.</summary>
    public static string Format(long bytes)
        => bytes % (1L << 30) == 0 ? $"{bytes >> 30}GB"
            : bytes % (1L << 20) == 0 ? $"{bytes >> 20}MB"
            : bytes % (1L << 10) == 0 ? $"{bytes >> 10}KB"
            : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
}
