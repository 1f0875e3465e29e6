using System;
using System.Globalization;

namespace Workflows.BuiltIns;

/// <summary>
/// Parses the duration strings the built-in actions take (<c>wait</c>'s <c>duration</c>, the <c>timeout</c>
/// of <c>process.run</c> and <c>http.request</c>): one or more number-unit pairs, largest unit first, each unit
/// once, as in <c>500ms</c>, <c>10s</c>, <c>1.5s</c>, <c>1m30s</c>, <c>2h</c>, <c>1d</c>. The same grammar as
/// the workflow file's <c>timeout</c> and <c>delay</c> keys.
/// </summary>
internal static class DurationParser
{
    private static readonly (string Unit, long Ticks)[] s_units =
    {
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    };

    /// <summary>Parses <paramref name="text"/>, or throws a <see cref="FormatException"/> that names it and says why.</summary>
    /// <param name="text">The duration.</param>
    /// <param name="parameterName">The action parameter it came from, for the message.</param>
    public static TimeSpan Parse(string? text, string parameterName)
    {
        if (TryParse(text ?? string.Empty, out var duration, out var error))
        {
            return duration;
        }

        throw new FormatException(
            $"'{text}' is not a valid duration for '{parameterName}': {error}. Write number-unit pairs, largest unit first, as in 500ms, 10s, 1.5s, 1m30s, 2h or 1d.");
    }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = string.Empty;
        var position = 0;
        var lastUnit = -1;
        decimal ticks = 0;
        text = text.Trim();
        if (text.Length == 0)
        {
            error = "it is empty";
            return false;
        }

        while (position < text.Length)
        {
            var numberStart = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            var unitStart = position;
            while (position < text.Length && char.IsAsciiLetter(text[position]))
            {
                position++;
            }

            var numberText = text[numberStart..unitStart];
            var unit = text[unitStart..position];
            if (numberText.Length == 0 || !decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"expected a number at '{text[numberStart..]}'";
                return false;
            }

            var index = Array.FindIndex(s_units, u => u.Unit == unit);
            if (index < 0)
            {
                error = unit.Length == 0 ? $"'{numberText}' has no unit (ms, s, m, h or d)" : $"'{unit}' is not a unit: use ms, s, m, h or d";
                return false;
            }

            if (index <= lastUnit)
            {
                error = "units must go from largest to smallest, each once (as in 1h30m)";
                return false;
            }

            lastUnit = index;
            ticks += number * s_units[index].Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                error = "it is too long";
                return false;
            }
        }

        if (ticks < TimeSpan.TicksPerMillisecond)
        {
            error = "it must be at least 1ms";
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
