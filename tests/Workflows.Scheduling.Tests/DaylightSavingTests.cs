using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Scheduling;
using Xunit;
using static Workflows.Scheduling.Tests.Zones;

namespace Workflows.Scheduling.Tests;

// Europe/Berlin 2025: 30 March 02:00 CET -> 03:00 CEST (gap 02:00-02:59); 26 October 03:00 CEST -> 02:00 CET (02:00-02:59 twice).
// America/New_York 2025: 9 March 02:00 EST -> 03:00 EDT; 2 November 02:00 EDT -> 01:00 EST (01:00-01:59 twice).
public class DaylightSavingTests
{
    [Fact]
    public void Berlin_fixed_time_in_the_spring_gap_runs_at_the_end_of_the_gap()
    {
        var days = Between("30 2 * * *", "2025-03-29T00:00Z", "2025-03-31T23:00Z", Berlin);

        Assert.Equal(["2025-03-29T02:30+01:00", "2025-03-30T03:00+02:00", "2025-03-31T02:30+02:00"], Local(days));
    }

    [Fact]
    public void Berlin_several_fixed_times_in_the_gap_run_once()
    {
        var days = Between("0,30 2 * * *", "2025-03-29T12:00Z", "2025-03-30T12:00Z", Berlin);

        Assert.Equal(["2025-03-30T03:00+02:00"], Local(days));
    }

    [Fact]
    public void Berlin_fixed_time_in_the_autumn_overlap_runs_once_at_the_first_pass()
    {
        var days = Between("30 2 * * *", "2025-10-25T00:00Z", "2025-10-27T23:00Z", Berlin);

        Assert.Equal(["2025-10-25T02:30+02:00", "2025-10-26T02:30+02:00", "2025-10-27T02:30+01:00"], Local(days));
    }

    [Theory]
    [InlineData("2025-10-26T00:10Z", "2025-10-26T02:30+02:00")] // in the first pass, before 02:30
    [InlineData("2025-10-26T00:30Z", "2025-10-27T02:30+01:00")] // it just ran
    [InlineData("2025-10-26T01:10Z", "2025-10-27T02:30+01:00")] // in the second pass: 02:30 already ran
    public void Berlin_fixed_time_searched_from_inside_the_overlap(string after, string expected)
    {
        Assert.Equal(expected, Local(CronExpression.Parse("30 2 * * *").GetNextOccurrence(At(after), Berlin)));
    }

    [Fact]
    public void Berlin_quarter_hours_skip_the_missing_hour_and_keep_their_rhythm()
    {
        var times = Between("*/15 * * * *", "2025-03-30T00:00Z", "2025-03-30T02:00Z", Berlin);

        Assert.Equal(
            ["2025-03-30T01:15+01:00", "2025-03-30T01:30+01:00", "2025-03-30T01:45+01:00", "2025-03-30T03:00+02:00",
             "2025-03-30T03:15+02:00", "2025-03-30T03:30+02:00", "2025-03-30T03:45+02:00", "2025-03-30T04:00+02:00"],
            Local(times));
        AssertEvenlySpaced(times, TimeSpan.FromMinutes(15));
    }

    [Fact]
    public void Berlin_quarter_hours_run_in_both_passes_of_the_repeated_hour()
    {
        var times = Between("*/15 * * * *", "2025-10-25T23:50Z", "2025-10-26T02:10Z", Berlin);

        Assert.Equal(
            ["2025-10-26T02:00+02:00", "2025-10-26T02:15+02:00", "2025-10-26T02:30+02:00", "2025-10-26T02:45+02:00",
             "2025-10-26T02:00+01:00", "2025-10-26T02:15+01:00", "2025-10-26T02:30+01:00", "2025-10-26T02:45+01:00",
             "2025-10-26T03:00+01:00"],
            Local(times));
        AssertEvenlySpaced(times, TimeSpan.FromMinutes(15));
    }

    [Theory]
    [InlineData("2025-10-26T00:50Z", "2025-10-26T02:55+02:00")] // first pass: the next is still in the first pass
    [InlineData("2025-10-26T00:55Z", "2025-10-26T02:00+01:00")] // end of the first pass: the clock goes back
    [InlineData("2025-10-26T01:55Z", "2025-10-26T03:00+01:00")]
    public void Berlin_wildcard_searched_from_inside_the_overlap(string after, string expected)
    {
        Assert.Equal(expected, Local(CronExpression.Parse("*/5 * * * *").GetNextOccurrence(At(after), Berlin)));
    }

    [Fact]
    public void Berlin_hourly_at_half_past_skips_the_missing_half_hour()
    {
        var times = Between("30 * * * *", "2025-03-30T00:00Z", "2025-03-30T02:00Z", Berlin);

        Assert.Equal(["2025-03-30T01:30+01:00", "2025-03-30T03:30+02:00"], Local(times));
    }

    [Fact]
    public void Berlin_hourly_at_half_past_runs_twice_in_the_repeated_hour()
    {
        var times = Between("30 * * * *", "2025-10-25T23:00Z", "2025-10-26T02:00Z", Berlin);

        Assert.Equal(["2025-10-26T01:30+02:00", "2025-10-26T02:30+02:00", "2025-10-26T02:30+01:00"], Local(times));
    }

    [Fact]
    public void Berlin_wildcard_equals_every_instant_whose_local_time_matches()
    {
        // Oracle for the wildcard rule over both changes of 2025: each distinct UTC minute whose local minute is a multiple of 10.
        foreach (var (from, to) in new[] { (At("2025-03-29T00:00Z"), At("2025-03-31T00:00Z")), (At("2025-10-25T00:00Z"), At("2025-10-27T00:00Z")) })
        {
            var expected = new List<string>();
            for (var t = from.AddMinutes(1); t <= to; t = t.AddMinutes(1))
            {
                var local = TimeZoneInfo.ConvertTime(t, Berlin);
                if (local.Minute % 10 == 0)
                {
                    expected.Add(Local(local));
                }
            }

            Assert.Equal(expected, Local(CronExpression.Parse("*/10 * * * *").GetOccurrences(from, to, Berlin)));
        }
    }

    [Fact]
    public void New_York_fixed_time_in_the_spring_gap_runs_at_three()
    {
        var days = Between("30 2 * * *", "2025-03-08T12:00Z", "2025-03-10T12:00Z", NewYork);

        Assert.Equal(["2025-03-09T03:00-04:00", "2025-03-10T02:30-04:00"], Local(days));
    }

    [Fact]
    public void New_York_fixed_time_in_the_autumn_overlap_runs_once()
    {
        var days = Between("30 1 * * *", "2025-11-01T12:00Z", "2025-11-03T12:00Z", NewYork);

        Assert.Equal(["2025-11-02T01:30-04:00", "2025-11-03T01:30-05:00"], Local(days));
    }

    [Fact]
    public void New_York_half_hours_run_in_both_passes()
    {
        var times = Between("*/30 * * * *", "2025-11-02T04:45Z", "2025-11-02T07:15Z", NewYork);

        Assert.Equal(
            ["2025-11-02T01:00-04:00", "2025-11-02T01:30-04:00", "2025-11-02T01:00-05:00", "2025-11-02T01:30-05:00", "2025-11-02T02:00-05:00"],
            Local(times));
        AssertEvenlySpaced(times, TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void New_York_hourly_skips_the_missing_hour()
    {
        var times = Between("0 * * * *", "2025-03-09T05:30Z", "2025-03-09T08:30Z", NewYork);

        Assert.Equal(["2025-03-09T01:00-05:00", "2025-03-09T03:00-04:00", "2025-03-09T04:00-04:00"], Local(times));
        AssertEvenlySpaced(times, TimeSpan.FromHours(1));
    }

    [Fact]
    public void Daily_at_midnight_is_unaffected_by_changes_at_two()
    {
        var days = Between("@daily", "2025-03-29T00:00Z", "2025-04-01T00:00Z", Berlin);

        Assert.Equal(["2025-03-30T00:00+01:00", "2025-03-31T00:00+02:00", "2025-04-01T00:00+02:00"], Local(days));
    }

    private static void AssertEvenlySpaced(IReadOnlyList<DateTimeOffset> times, TimeSpan spacing)
    {
        for (var i = 1; i < times.Count; i++)
        {
            Assert.Equal(spacing, times[i] - times[i - 1]);
        }
    }
}
