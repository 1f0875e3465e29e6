using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Scheduling;

namespace Workflows.Scheduling.Tests;

internal static class Zones
{
    public static TimeZoneInfo Berlin { get; } = Find("Europe/Berlin");

    public static TimeZoneInfo NewYork { get; } = Find("America/New_York");

    public static TimeZoneInfo Utc => TimeZoneInfo.Utc;

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    public static List<DateTimeOffset> Between(string cron, string from, string to, TimeZoneInfo zone) =>
        CronExpression.Parse(cron).GetOccurrences(At(from), At(to), zone).ToList();

    /// <summary>Occurrences as "yyyy-MM-ddTHH:mm+hh:mm", local time with the zone's offset, for readable assertions.</summary>
    public static string[] Local(IEnumerable<DateTimeOffset> occurrences) =>
        occurrences.Select(o => o.ToString("yyyy-MM-dd'T'HH:mmzzz", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static string Local(DateTimeOffset? occurrence) =>
        occurrence is { } o ? Local([o])[0] : "none";

    private static TimeZoneInfo Find(string id) =>
        TimeZones.TryFind(id, out var zone) ? zone : throw new InvalidOperationException($"Time zone {id} is not installed.");
}
