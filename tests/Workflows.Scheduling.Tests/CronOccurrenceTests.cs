using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Workflows.Scheduling;
using Xunit;
using static Workflows.Scheduling.Tests.Zones;

namespace Workflows.Scheduling.Tests;

public class CronOccurrenceTests
{
    [Theory]
    [InlineData("* * * * *", "2025-01-01T10:00:30Z", "2025-01-01T10:01Z")]
    [InlineData("* * * * *", "2025-01-01T10:00Z", "2025-01-01T10:01Z")] // strictly after
    [InlineData("0 2 * * *", "2025-01-01T02:00Z", "2025-01-02T02:00Z")]
    [InlineData("0 2 * * *", "2025-01-01T01:59:59Z", "2025-01-01T02:00Z")]
    [InlineData("15 14 1 * *", "2025-01-01T14:16Z", "2025-02-01T14:15Z")]
    [InlineData("0 0 * * MON", "2025-01-01T00:00Z", "2025-01-06T00:00Z")]
    [InlineData("0 0 1 1 *", "2025-01-01T00:00Z", "2026-01-01T00:00Z")]
    [InlineData("59 23 31 12 *", "2025-12-31T23:59Z", "2026-12-31T23:59Z")]
    [InlineData("*/5 * * * *", "2025-12-31T23:58Z", "2026-01-01T00:00Z")]
    public void Next_occurrence_of_common_expressions(string cron, string after, string expected)
    {
        Assert.Equal(At(expected), CronExpression.Parse(cron).GetNextOccurrence(At(after), Utc));
    }

    [Fact]
    public void Occurrences_exclude_from_and_include_to()
    {
        var hours = Between("0 * * * *", "2025-01-01T00:00Z", "2025-01-01T03:00Z", Utc);

        Assert.Equal([At("2025-01-01T01:00Z"), At("2025-01-01T02:00Z"), At("2025-01-01T03:00Z")], hours);
    }

    [Fact]
    public void Occurrences_are_empty_when_to_is_before_from()
    {
        Assert.Empty(Between("* * * * *", "2025-01-02T00:00Z", "2025-01-01T00:00Z", Utc));
    }

    [Fact]
    public void Occurrences_carry_the_zone_offset_of_their_instant()
    {
        var next = CronExpression.Parse("0 12 * * *").GetNextOccurrence(At("2025-07-01T00:00Z"), Berlin);

        Assert.Equal("2025-07-01T12:00+02:00", Local(next));
    }

    [Fact]
    public void A_null_zone_is_rejected()
    {
        var cron = CronExpression.Parse("* * * * *");

        Assert.Throws<ArgumentNullException>(() => cron.GetNextOccurrence(At("2025-01-01T00:00Z"), null!));
        Assert.Throws<ArgumentNullException>(() => cron.GetOccurrences(At("2025-01-01T00:00Z"), At("2025-01-02T00:00Z"), null!));
    }

    [Fact]
    public void There_is_no_occurrence_past_the_end_of_the_calendar()
    {
        Assert.Null(CronExpression.Parse("0 0 1 1 *").GetNextOccurrence(At("9998-06-01T00:00Z"), Utc));
    }

    [Fact]
    public void The_start_of_the_calendar_is_a_valid_starting_point()
    {
        var first = CronExpression.Parse("0 0 1 1 *").GetOccurrences(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, NewYork).First();

        Assert.Equal(new DateTimeOffset(2, 1, 1, 0, 0, 0, NewYork.GetUtcOffset(new DateTime(2, 1, 1))), first);
    }

    [Fact]
    public void The_31st_runs_only_in_months_that_have_it()
    {
        var days = Between("0 0 31 * *", "2025-01-31T12:00Z", "2026-02-01T00:00Z", Utc);

        Assert.Equal(
            ["2025-03-31", "2025-05-31", "2025-07-31", "2025-08-31", "2025-10-31", "2025-12-31", "2026-01-31"],
            days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void The_30th_skips_february()
    {
        Assert.Equal(At("2025-03-30T00:00Z"), CronExpression.Parse("0 0 30 * *").GetNextOccurrence(At("2025-01-30T01:00Z"), Utc));
    }

    [Theory]
    [InlineData("2025-01-01T00:00Z", "2028-02-29T00:00Z")]
    [InlineData("2028-02-29T00:00Z", "2032-02-29T00:00Z")]
    [InlineData("2096-03-01T00:00Z", "2104-02-29T00:00Z")] // 2100 is not a leap year
    [InlineData("1999-03-01T00:00Z", "2000-02-29T00:00Z")] // 2000 is
    public void February_29_runs_in_leap_years_only(string after, string expected)
    {
        Assert.Equal(At(expected), CronExpression.Parse("0 0 29 2 *").GetNextOccurrence(At(after), Utc));
    }

    [Theory]
    [InlineData(2024, new[] { 28, 29 })]
    [InlineData(2025, new[] { 28 })]
    public void The_last_days_of_february(int year, int[] days)
    {
        var from = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var occurrences = CronExpression.Parse("0 0 28-31 2 *").GetOccurrences(from, from.AddYears(1).AddTicks(-1), Utc);

        Assert.Equal(days, occurrences.Select(o => o.Day));
    }

    [Fact]
    public void A_rare_day_is_found_by_skipping_not_by_walking_minutes()
    {
        // February 29th that is a Sunday ('*/7' keeps only 0, and starts with '*': both day fields must match).
        var expected = Enumerable.Range(2025, 400).Select(y => DateTime.IsLeapYear(y) ? new DateTime(y, 2, 29) : default)
            .First(d => d != default && d.DayOfWeek == DayOfWeek.Sunday);
        var cron = CronExpression.Parse("0 0 29 2 */7");

        var watch = Stopwatch.StartNew();
        var next = cron.GetNextOccurrence(At("2025-01-01T00:00Z"), Utc);
        watch.Stop();

        Assert.Equal(new DateTimeOffset(expected, TimeSpan.Zero), next);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Both_day_fields_restricted_match_either()
    {
        // January 2025: Fridays 3, 10, 17, 24, 31; the 13th is a Monday.
        var days = Between("0 0 13 * FRI", "2025-01-01T00:00Z", "2025-01-31T23:59Z", Utc).Select(d => d.Day);

        Assert.Equal([3, 10, 13, 17, 24, 31], days);
    }

    [Fact]
    public void Only_the_day_of_month_restricted_matches_it_alone()
    {
        Assert.Equal([13], Between("0 0 13 * *", "2025-01-01T00:00Z", "2025-01-31T23:59Z", Utc).Select(d => d.Day));
    }

    [Fact]
    public void Only_the_day_of_week_restricted_matches_it_alone()
    {
        Assert.Equal([3, 10, 17, 24, 31], Between("0 0 * * FRI", "2025-01-01T00:00Z", "2025-01-31T23:59Z", Utc).Select(d => d.Day));
    }

    [Fact]
    public void A_day_field_starting_with_a_star_makes_both_fields_required()
    {
        // Vixie cron: '*/2' counts as '*', so odd days that are Fridays.
        Assert.Equal([3, 17, 31], Between("0 0 */2 * FRI", "2025-01-01T00:00Z", "2025-01-31T23:59Z", Utc).Select(d => d.Day));
    }

    public static TheoryData<string, Func<DateTime, bool>> Oracles => new()
    {
        { "*/7 3-5 * * MON", t => t.Minute % 7 == 0 && t.Hour is >= 3 and <= 5 && t.DayOfWeek == DayOfWeek.Monday },
        { "0,30 */6 1,15 * *", t => t.Minute % 30 == 0 && t.Hour % 6 == 0 && t.Day is 1 or 15 },
        { "45 23 * * 6,7", t => t.Minute == 45 && t.Hour == 23 && t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday },
        { "0 12 10-12 * TUE", t => t.Minute == 0 && t.Hour == 12 && (t.Day is >= 10 and <= 12 || t.DayOfWeek == DayOfWeek.Tuesday) },
        { "5 4 * FEB,MAR *", t => t.Minute == 5 && t.Hour == 4 && t.Month is 2 or 3 },
    };

    [Theory]
    [MemberData(nameof(Oracles))]
    public void Occurrences_equal_a_minute_by_minute_check(string cron, Func<DateTime, bool> matches)
    {
        var from = new DateTime(2024, 1, 15, 0, 0, 0, DateTimeKind.Utc);
        var to = from.AddDays(70);
        var expected = new List<DateTimeOffset>();
        for (var t = from.AddMinutes(1); t <= to; t = t.AddMinutes(1))
        {
            if (matches(t))
            {
                expected.Add(new DateTimeOffset(t));
            }
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, CronExpression.Parse(cron).GetOccurrences(new DateTimeOffset(from), new DateTimeOffset(to), Utc));
    }
}
