using System;
using System.Globalization;

namespace Workflows.Text;

/// <summary>
/// The duration grammar of workflow files (<c>timeout</c>, <c>retry.delay</c>, <c>retry.max_delay</c>) and of the
/// built-in actions' duration parameters (<c>wait</c>'s <c>duration</c>, the <c>timeout</c> of <c>process.run</c>
/// and <c>http.request</c>): one or more number-unit pairs, largest unit first, each unit once, as in <c>500ms</c>,
/// <c>10s</c>, <c>1.5s</c>, <c>1h30m</c>, <c>2d</c>.
/// </summary>
/// <remarks>
/// One file, compiled into the runtime and linked into the generator (netstandard2.0), so that what the build
/// accepts is exactly what the runtime accepts.
/// </remarks>
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
            while (position < text.Length && (IsAsciiDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            var unitStart = position;
            while (position < text.Length && IsAsciiLetter(text[position]))
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

    // Not char.IsDigit/IsLetter: those accept any Unicode digit or letter, which the grammar does not.
    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

    private static bool IsAsciiLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
