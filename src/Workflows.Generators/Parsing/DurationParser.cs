using System;
using System.Globalization;

namespace Workflows.Generators.Parsing;

/// <summary>
/// Parses durations such as <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h30m</c>, <c>1.5s</c>, <c>2d</c>:
/// one or more number-unit pairs, largest unit first, each unit once.
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
            while (position < text.Length && (char.IsDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            var unitStart = position;
            while (position < text.Length && char.IsLetter(text[position]))
            {
                position++;
            }

            var numberText = text.Substring(numberStart, unitStart - numberStart);
            var unit = text.Substring(unitStart, position - unitStart);
            if (numberText.Length == 0 || !decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"expected a number at '{text.Substring(numberStart)}'";
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
                error = "write units from largest to smallest, each once (as in 1h30m)";
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
