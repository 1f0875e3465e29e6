using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

// This file is also compiled into the analyzer (netstandard2.0, linked from Workflows.Generators.csproj) so that
// schedules are checked at build time with the very parser that runs them: keep it to APIs netstandard2.0 has.
namespace Workflows.Scheduling;

/// <summary>A parse error of a cron expression: where it is in the text, and why.</summary>
/// <param name="Start">Index of the offending text in the expression as given (before trimming).</param>
/// <param name="Length">Length of the offending text; 0 when the expression is empty.</param>
/// <param name="Message">The reason, naming the field and the token, e.g. <c>minute: 61 is out of range 0-59</c>.</param>
public sealed record CronError(int Start, int Length, string Message);

/// <summary>
/// A standard five-field cron expression (<c>minute hour day-of-month month day-of-week</c>) and its occurrences
/// in a time zone.
/// </summary>
/// <remarks>
/// <para>
/// Syntax: <c>*</c>, values, lists <c>a,b</c>, ranges <c>a-b</c>, steps <c>*/n</c> and <c>a-b/n</c>; month names
/// <c>JAN</c>-<c>DEC</c> and day names <c>SUN</c>-<c>SAT</c> (any case); day-of-week 0-7 where 0 and 7 are Sunday;
/// the macros <c>@yearly</c> (<c>@annually</c>), <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c> (<c>@midnight</c>) and
/// <c>@hourly</c>.
/// </para>
/// <para>
/// Day-of-month and day-of-week follow Vixie cron: when both fields are restricted (neither starts with <c>*</c>)
/// a day matches if <em>either</em> matches (<c>0 0 13 * FRI</c> is every 13th and every Friday); when either
/// starts with <c>*</c> (including <c>*/2</c>) both must match.
/// </para>
/// <para>
/// Daylight saving time follows cron as well, by the kind of expression (<see cref="IsFixedTime"/>):
/// a <em>fixed-time</em> expression (both minute and hour fields are explicit, e.g. <c>30 2 * * *</c>) is a wall-clock
/// appointment: a time skipped by a spring-forward change runs at the first instant after the gap (02:30 on the
/// day Berlin moves to summer time runs at 03:00 local), and a time repeated by a fall-back change runs once, at
/// its first (earlier) instant. A <em>wildcard</em> expression (the minute or hour field starts with <c>*</c>,
/// e.g. <c>*/15 * * * *</c> or <c>0 * * * *</c>) is an interval: skipped times are simply skipped, repeated times
/// run in both passes, so it fires at every distinct instant whose local time matches and keeps its rhythm in
/// elapsed time. No instant ever fires twice.
/// </para>
/// </remarks>
public sealed class CronExpression
{
    private const string FieldList = "minute hour day-of-month month day-of-week";

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static readonly FieldSpec[] Fields =
    [
        new("minute", 0, 59, null, "number"),
        new("hour", 0, 23, null, "number"),
        new("day-of-month", 1, 31, null, "number"),
        new("month", 1, 12, MonthNames, "month name"),
        new("day-of-week", 0, 7, DayNames, "day name"),
    ];

    private static readonly (string Name, string Expansion)[] Macros =
    [
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
    ];

    private static readonly TimeSpan DropWindow = TimeSpan.FromHours(3);

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _days;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayOfMonthStar;
    private readonly bool _dayOfWeekStar;

    private CronExpression(string text, ulong[] bits, bool[] stars)
    {
        Text = text;
        _minutes = bits[0];
        _hours = bits[1];
        _days = bits[2];
        _months = bits[3];
        // 7 is Sunday as well as 0.
        _daysOfWeek = (bits[4] | (bits[4] >> 7)) & 0x7F;
        _dayOfMonthStar = stars[2];
        _dayOfWeekStar = stars[4];
        IsFixedTime = !stars[0] && !stars[1];
    }

    /// <summary>The expression as written (trimmed).</summary>
    public string Text { get; }

    /// <summary>
    /// True when both the minute and the hour field are explicit (no leading <c>*</c>): the expression names wall-clock
    /// times, which run once each even across daylight saving changes. False for interval-like expressions, which
    /// run at every instant whose local time matches. See the remarks of <see cref="CronExpression"/>.
    /// </summary>
    public bool IsFixedTime { get; }

    /// <summary>Parses an expression.</summary>
    /// <param name="text">The expression, e.g. <c>0 2 * * MON-FRI</c> or <c>@daily</c>.</param>
    /// <returns>The expression.</returns>
    /// <exception cref="FormatException">The text is not a valid cron expression, or it never occurs.</exception>
    public static CronExpression Parse(string text)
    {
        if (TryParse(text, out CronExpression? expression, out CronError? error))
        {
            return expression;
        }

        throw new FormatException($"Invalid cron expression '{text}': {error.Message}");
    }

    /// <summary>Parses an expression, or says why it is invalid.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="expression">The expression, when valid.</param>
    /// <param name="error">The reason it is invalid, e.g. <c>minute: 61 is out of range 0-59</c>, when not.</param>
    /// <returns>Whether the text is a valid expression that occurs at all.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out string? error)
    {
        var ok = TryParse(text, out expression, out CronError? detail);
        error = detail?.Message;
        return ok;
    }

    /// <summary>Parses an expression, or says why and where it is invalid.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="expression">The expression, when valid.</param>
    /// <param name="error">The reason and position (in <paramref name="text"/>) of the problem, when not.</param>
    /// <returns>Whether the text is a valid expression that occurs at all.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out CronError? error)
    {
        expression = null;
        text ??= "";
        var tokens = Tokenize(text);
        if (tokens.Count == 0)
        {
            error = new CronError(0, text.Length, "the cron expression is empty");
            return false;
        }

        var first = tokens[0];
        if (text[first.Start] == '@')
        {
            return TryParseMacro(text, tokens, out expression, out error);
        }

        if (tokens.Count != Fields.Length)
        {
            var last = tokens[tokens.Count - 1];
            error = tokens.Count > Fields.Length
                ? new CronError(tokens[Fields.Length].Start, last.Start + last.Length - tokens[Fields.Length].Start, $"expected 5 fields ({FieldList}) but found {tokens.Count}")
                : new CronError(first.Start, last.Start + last.Length - first.Start, $"expected 5 fields ({FieldList}) but found {tokens.Count}");
            return false;
        }

        var bits = new ulong[Fields.Length];
        var stars = new bool[Fields.Length];
        for (var i = 0; i < Fields.Length; i++)
        {
            if (!TryParseField(text, tokens[i], Fields[i], out bits[i], out stars[i], out error))
            {
                return false;
            }
        }

        if (!stars[4] && !stars[2])
        {
            // Either day field matches: every month has every weekday, so it always occurs.
        }
        else if (!HasPossibleDay(bits[2], bits[3]))
        {
            var dom = tokens[2];
            var month = tokens[3];
            error = new CronError(dom.Start, month.Start + month.Length - dom.Start,
                $"never occurs: day-of-month '{Slice(text, dom)}' does not exist in month '{Slice(text, month)}'");
            return false;
        }

        expression = new CronExpression(Slice(text, first.Start, tokens[tokens.Count - 1].Start + tokens[tokens.Count - 1].Length - first.Start), bits, stars);
        error = null;
        return true;
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, with the offset of <paramref name="zone"/> at
    /// that instant, or null if there is none before the year 9999.
    /// </summary>
    /// <param name="after">The instant to search from (exclusive).</param>
    /// <param name="zone">The time zone whose local time the expression is in.</param>
    /// <returns>The next occurrence, or null.</returns>
    /// <remarks>Daylight saving changes are handled as described on <see cref="CronExpression"/>.</remarks>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after, TimeZoneInfo zone)
    {
        ThrowIfNull(zone);

        if (after.UtcDateTime.Year >= 9998)
        {
            return null;
        }

        // Keep local times representable: nothing can occur this early anyway.
        var earliest = new DateTimeOffset(2, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (after < earliest)
        {
            after = earliest;
        }

        var offset = zone.GetUtcOffset(after);
        var localTicks = after.UtcTicks + offset.Ticks;
        var floor = new DateTime(localTicks - (localTicks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);

        // Local time is monotonic except where the clock falls back: an instant shortly after 'after' may then have
        // an earlier local time than 'after' (the second pass of the repeated hour). Look back by the size of the
        // drop, and keep scanning that far past the first match, taking the earliest instant.
        var drop = offset - zone.GetUtcOffset(after + DropWindow);
        if (drop < TimeSpan.Zero)
        {
            drop = TimeSpan.Zero;
        }

        var search = floor - drop;
        DateTimeOffset? best = null;
        var bestLocal = default(DateTime);
        while (TryNextLocal(search, out var local))
        {
            if (best is not null && local > bestLocal + drop)
            {
                break;
            }

            if (zone.IsInvalidTime(local))
            {
                if (IsFixedTime)
                {
                    Consider(FirstInstantAfterGap(local, zone), local);
                }
            }
            else if (zone.IsAmbiguousTime(local))
            {
                var offsets = zone.GetAmbiguousTimeOffsets(local);
                var larger = offsets[0];
                var smaller = offsets[0];
                foreach (var o in offsets)
                {
                    larger = o > larger ? o : larger;
                    smaller = o < smaller ? o : smaller;
                }

                // The larger offset is the earlier instant: the first pass, before the clock fell back.
                Consider(new DateTimeOffset(local, larger), local);
                if (!IsFixedTime)
                {
                    Consider(new DateTimeOffset(local, smaller), local);
                }
            }
            else
            {
                Consider(new DateTimeOffset(local, zone.GetUtcOffset(local)), local);
            }

            if (best is not null && drop == TimeSpan.Zero)
            {
                break;
            }

            search = local.AddMinutes(1);
        }

        return best;

        void Consider(DateTimeOffset instant, DateTime local)
        {
            if (instant > after && (best is null || instant < best.Value))
            {
                best = instant;
                bestLocal = local;
            }
        }
    }

    /// <summary>
    /// The occurrences after <paramref name="from"/> (exclusive) up to <paramref name="to"/> (inclusive), in order.
    /// </summary>
    /// <param name="from">The start instant (exclusive).</param>
    /// <param name="to">The end instant (inclusive).</param>
    /// <param name="zone">The time zone whose local time the expression is in.</param>
    /// <returns>The occurrences, lazily.</returns>
    public IEnumerable<DateTimeOffset> GetOccurrences(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        ThrowIfNull(zone);

        return Enumerate(from, to, zone);
    }

    /// <summary>Returns <see cref="Text"/>.</summary>
    /// <returns>The expression as written.</returns>
    public override string ToString() => Text;

    private IEnumerable<DateTimeOffset> Enumerate(DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var current = from;
        while (GetNextOccurrence(current, zone) is { } next && next <= to)
        {
            yield return next;
            current = next;
        }
    }

    private static void ThrowIfNull(TimeZoneInfo zone)
    {
#if NET
        ArgumentNullException.ThrowIfNull(zone);
#else
        if (zone is null)
        {
            throw new ArgumentNullException(nameof(zone));
        }
#endif
    }

    private static DateTimeOffset FirstInstantAfterGap(DateTime invalidLocal, TimeZoneInfo zone)
    {
        var local = invalidLocal;
        do
        {
            local = local.AddMinutes(1);
        }
        while (zone.IsInvalidTime(local));

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The first local (wall-clock) time at or after <paramref name="start"/> that matches all fields.</summary>
    private bool TryNextLocal(DateTime start, out DateTime result)
    {
        int year = start.Year, month = start.Month, day = start.Day, hour = start.Hour, minute = start.Minute;
        if (start.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            minute++;
        }

        while (year < 9999)
        {
            if (minute > 59)
            {
                minute = 0;
                hour++;
            }

            if (hour > 23)
            {
                hour = 0;
                day++;
            }

            if (month > 12 || day > DateTime.DaysInMonth(year, month))
            {
                day = 1;
                month++;
                if (month > 12)
                {
                    month = 1;
                    year++;
                    continue;
                }
            }

            if (!Has(_months, month))
            {
                var next = NextBit(_months, month + 1, 12);
                (year, month) = next < 0 ? (year + 1, NextBit(_months, 1, 12)) : (year, next);
                day = 1;
                hour = 0;
                minute = 0;
                continue;
            }

            if (!DayMatches(year, month, day))
            {
                day++;
                hour = 0;
                minute = 0;
                continue;
            }

            if (!Has(_hours, hour))
            {
                var next = NextBit(_hours, hour + 1, 23);
                if (next < 0)
                {
                    day++;
                    hour = 0;
                }
                else
                {
                    hour = next;
                }

                minute = 0;
                continue;
            }

            if (!Has(_minutes, minute))
            {
                var next = NextBit(_minutes, minute + 1, 59);
                if (next < 0)
                {
                    hour++;
                    minute = 0;
                }
                else
                {
                    minute = next;
                }

                continue;
            }

            result = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
            return true;
        }

        result = default;
        return false;
    }

    private bool DayMatches(int year, int month, int day)
    {
        var dayOfMonth = Has(_days, day);
        var dayOfWeek = Has(_daysOfWeek, (int)new DateTime(year, month, day).DayOfWeek);
        return _dayOfMonthStar || _dayOfWeekStar ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    private static int NextBit(ulong bits, int from, int max)
    {
        for (var i = from; i <= max; i++)
        {
            if (Has(bits, i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether some selected month has some selected day (February counts 29: leap years have it).</summary>
    private static bool HasPossibleDay(ulong days, ulong months)
    {
        for (var month = 1; month <= 12; month++)
        {
            if (!Has(months, month))
            {
                continue;
            }

            var length = DateTime.DaysInMonth(2000, month);
            for (var day = 1; day <= length; day++)
            {
                if (Has(days, day))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool TryParseMacro(string text, List<Token> tokens, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out CronError? error)
    {
        expression = null;
        var macro = tokens[0];
        var name = Slice(text, macro);
        foreach (var (macroName, expansion) in Macros)
        {
            if (!string.Equals(macroName, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (tokens.Count > 1)
            {
                var extra = tokens[1];
                var last = tokens[tokens.Count - 1];
                error = new CronError(extra.Start, last.Start + last.Length - extra.Start, $"{macroName} stands alone: nothing may follow it");
                return false;
            }

            if (!TryParse(expansion, out CronExpression? expanded, out error))
            {
                throw new InvalidOperationException($"The expansion of {macroName} is invalid: {error.Message}");
            }

            expression = new CronExpression(name, expanded);
            return true;
        }

        error = string.Equals(name, "@reboot", StringComparison.OrdinalIgnoreCase)
            ? new CronError(macro.Start, macro.Length, "@reboot is not a schedule: it has no time to occur at")
            : new CronError(macro.Start, macro.Length, $"unknown macro '{name}' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)");
        return false;
    }

    private CronExpression(string text, CronExpression expanded)
    {
        Text = text;
        _minutes = expanded._minutes;
        _hours = expanded._hours;
        _days = expanded._days;
        _months = expanded._months;
        _daysOfWeek = expanded._daysOfWeek;
        _dayOfMonthStar = expanded._dayOfMonthStar;
        _dayOfWeekStar = expanded._dayOfWeekStar;
        IsFixedTime = expanded.IsFixedTime;
    }

    private static bool TryParseField(string text, Token field, FieldSpec spec, out ulong bits, out bool star, [NotNullWhen(false)] out CronError? error)
    {
        bits = 0;
        star = text[field.Start] == '*';
        var itemStart = field.Start;
        var end = field.Start + field.Length;
        while (itemStart <= end)
        {
            var comma = text.IndexOf(',', itemStart, end - itemStart);
            var itemEnd = comma < 0 ? end : comma;
            if (itemEnd == itemStart)
            {
                error = new CronError(field.Start, field.Length, $"{spec.Name}: empty item in the list '{Slice(text, field)}'");
                return false;
            }

            if (!TryParseItem(text, new Token(itemStart, itemEnd - itemStart), spec, ref bits, out error))
            {
                return false;
            }

            itemStart = itemEnd + 1;
        }

        error = null;
        return true;
    }

    private static bool TryParseItem(string text, Token item, FieldSpec spec, ref ulong bits, [NotNullWhen(false)] out CronError? error)
    {
        var end = item.Start + item.Length;
        var slash = text.IndexOf('/', item.Start, item.Length);
        var rangeEnd = slash < 0 ? end : slash;
        var range = new Token(item.Start, rangeEnd - item.Start);
        var step = 1;
        if (slash >= 0)
        {
            var stepToken = new Token(slash + 1, end - slash - 1);
            if (stepToken.Length == 0)
            {
                error = new CronError(slash, 1, $"{spec.Name}: '/' must be followed by a step, as in */5");
                return false;
            }

            if (!TryParseNumber(text, stepToken, out step))
            {
                error = new CronError(stepToken.Start, stepToken.Length, $"{spec.Name}: step '{Slice(text, stepToken)}' is not a number");
                return false;
            }

            if (step < 1 || step > spec.Max)
            {
                error = new CronError(stepToken.Start, stepToken.Length, $"{spec.Name}: step {Slice(text, stepToken)} is out of range 1-{spec.Max}");
                return false;
            }
        }

        if (range.Length == 0)
        {
            error = new CronError(item.Start, item.Length, $"{spec.Name}: '{Slice(text, item)}' needs a value, range or '*' before '/'");
            return false;
        }

        int low, high;
        if (range.Length == 1 && text[range.Start] == '*')
        {
            low = spec.Min;
            // Day-of-week 7 is a second Sunday: '*' means 0-6.
            high = spec.Names == DayNames ? 6 : spec.Max;
        }
        else
        {
            var dash = text.IndexOf('-', range.Start, range.Length);
            if (dash == range.Start || dash == rangeEnd - 1)
            {
                error = new CronError(dash, 1, $"{spec.Name}: a range needs a value on both sides of '-', as in 1-5");
                return false;
            }

            var lowToken = dash < 0 ? range : new Token(range.Start, dash - range.Start);
            if (!TryParseValue(text, lowToken, spec, out low, out error))
            {
                return false;
            }

            if (dash < 0)
            {
                if (slash >= 0)
                {
                    var value = Slice(text, lowToken);
                    error = new CronError(item.Start, item.Length,
                        $"{spec.Name}: a step needs a range or '*' before '/': write {value}-{spec.Max}/{step} or */{step}, not '{Slice(text, item)}'");
                    return false;
                }

                high = low;
            }
            else
            {
                var highToken = new Token(dash + 1, rangeEnd - dash - 1);
                if (!TryParseValue(text, highToken, spec, out high, out error))
                {
                    return false;
                }

                if (low > high)
                {
                    var hint = spec.Names == DayNames && high == 0 ? $" (Sunday is also 7: write {Slice(text, lowToken)}-7)" : "";
                    error = new CronError(range.Start, range.Length, $"{spec.Name}: range {Slice(text, range)} is reversed: the start must not be after the end{hint}");
                    return false;
                }
            }
        }

        for (var value = low; value <= high; value += step)
        {
            bits |= 1UL << value;
        }

        error = null;
        return true;
    }

    private static bool TryParseValue(string text, Token token, FieldSpec spec, out int value, [NotNullWhen(false)] out CronError? error)
    {
        var raw = Slice(text, token);
        if (TryParseNumber(text, token, out value))
        {
            if (value < spec.Min || value > spec.Max)
            {
                error = new CronError(token.Start, token.Length, $"{spec.Name}: {raw} is out of range {spec.Min}-{spec.Max}");
                return false;
            }

            error = null;
            return true;
        }

        if (spec.Names is not null && IsLetters(raw))
        {
            var index = Array.FindIndex(spec.Names, n => string.Equals(n, raw, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                value = index + spec.Min;
                error = null;
                return true;
            }

            error = new CronError(token.Start, token.Length, $"{spec.Name}: '{raw}' is not a {spec.Kind} ({spec.Names[0]}-{spec.Names[spec.Names.Length - 1]})");
            return false;
        }

        var expected = spec.Names is null ? "a number" : $"a number or {spec.Kind}";
        error = new CronError(token.Start, token.Length, $"{spec.Name}: '{raw}' is not {expected}");
        return false;
    }

    private static bool TryParseNumber(string text, Token token, out int value)
    {
        value = 0;
        if (token.Length == 0)
        {
            return false;
        }

        for (var i = token.Start; i < token.Start + token.Length; i++)
        {
            var c = text[i];
            if (c < '0' || c > '9')
            {
                return false;
            }

            // Saturate: anything this large is out of every range, and must not overflow.
            value = Math.Min(value * 10 + (c - '0'), 100_000);
        }

        return true;
    }

    private static bool IsLetters(string value)
    {
        foreach (var c in value)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            {
                return false;
            }
        }

        return value.Length > 0;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(5);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                tokens.Add(new Token(start, i - start));
            }
        }

        return tokens;
    }

    private static string Slice(string text, Token token) => Slice(text, token.Start, token.Length);

    private static string Slice(string text, int start, int length) => text.Substring(start, length);

    private readonly record struct Token(int Start, int Length);

    private sealed record FieldSpec(string Name, int Min, int Max, string[]? Names, string Kind);
}
