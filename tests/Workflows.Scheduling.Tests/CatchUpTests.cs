using System;
using System.Diagnostics;
using Workflows.Scheduling;
using Xunit;
using static Workflows.Scheduling.Tests.Zones;

namespace Workflows.Scheduling.Tests;

public class CatchUpTests
{
    private static readonly CronExpression DailyAtTwo = CronExpression.Parse("0 2 * * *");

    [Fact]
    public void None_drops_everything_missed_during_a_downtime()
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, At("2025-01-01T02:00Z"), At("2025-01-04T10:00Z"), CatchUpPolicy.None);

        Assert.Empty(decision.Fire);
        Assert.Equal(At("2025-01-05T02:00Z"), decision.NextDue);
        Assert.True(decision.SkippedMissed);
    }

    [Fact]
    public void Latest_fires_only_the_most_recent_missed_occurrence()
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, At("2025-01-01T02:00Z"), At("2025-01-04T10:00Z"), CatchUpPolicy.Latest);

        Assert.Equal([At("2025-01-04T02:00Z")], decision.Fire);
        Assert.Equal(At("2025-01-05T02:00Z"), decision.NextDue);
        Assert.True(decision.SkippedMissed); // the 2nd and 3rd
    }

    [Fact]
    public void Latest_with_a_single_missed_occurrence_skips_nothing()
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, At("2025-01-01T02:00Z"), At("2025-01-02T05:00Z"), CatchUpPolicy.Latest);

        Assert.Equal([At("2025-01-02T02:00Z")], decision.Fire);
        Assert.False(decision.SkippedMissed);
    }

    [Theory]
    [InlineData(CatchUpPolicy.None, "2025-01-02T02:00:00Z")]
    [InlineData(CatchUpPolicy.None, "2025-01-02T02:00:05Z")]
    [InlineData(CatchUpPolicy.Latest, "2025-01-02T02:00:05Z")]
    [InlineData(CatchUpPolicy.None, "2025-01-02T02:01:00Z")] // the default grace is a minute
    public void An_occurrence_handled_on_time_fires_under_either_policy(CatchUpPolicy policy, string now)
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, At("2025-01-01T02:00Z"), At(now), policy);

        Assert.Equal([At("2025-01-02T02:00Z")], decision.Fire);
        Assert.Equal(At("2025-01-03T02:00Z"), decision.NextDue);
        Assert.False(decision.SkippedMissed);
    }

    [Fact]
    public void Past_the_grace_an_occurrence_is_missed()
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, At("2025-01-01T02:00Z"), At("2025-01-02T02:00:01Z"), CatchUpPolicy.None, TimeSpan.Zero);

        Assert.Empty(decision.Fire);
        Assert.True(decision.SkippedMissed);
    }

    [Fact]
    public void Nothing_is_due_between_occurrences()
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, At("2025-01-02T02:00Z"), At("2025-01-02T10:00Z"), CatchUpPolicy.Latest);

        Assert.Empty(decision.Fire);
        Assert.Equal(At("2025-01-03T02:00Z"), decision.NextDue);
        Assert.False(decision.SkippedMissed);
    }

    [Theory]
    [InlineData(CatchUpPolicy.None)]
    [InlineData(CatchUpPolicy.Latest)]
    public void Never_fired_before_nothing_counts_as_missed(CatchUpPolicy policy)
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, lastFired: null, At("2025-01-04T10:00Z"), policy);

        Assert.Empty(decision.Fire);
        Assert.Equal(At("2025-01-05T02:00Z"), decision.NextDue);
        Assert.False(decision.SkippedMissed);
    }

    [Fact]
    public void Never_fired_before_an_occurrence_on_time_fires()
    {
        var decision = CatchUp.Decide(DailyAtTwo, Utc, lastFired: null, At("2025-01-04T02:00:10Z"), CatchUpPolicy.None);

        Assert.Equal([At("2025-01-04T02:00Z")], decision.Fire);
    }

    [Fact]
    public void Catching_up_a_minutely_schedule_after_a_year_is_quick()
    {
        var watch = Stopwatch.StartNew();
        var decision = CatchUp.Decide(CronExpression.Parse("* * * * *"), Utc, At("2024-01-01T00:00Z"), At("2025-01-01T12:34:56Z"), CatchUpPolicy.Latest);
        watch.Stop();

        Assert.Equal([At("2025-01-01T12:34Z")], decision.Fire);
        Assert.Equal(At("2025-01-01T12:35Z"), decision.NextDue);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Catching_up_a_yearly_schedule_searches_far_back()
    {
        var decision = CatchUp.Decide(CronExpression.Parse("@yearly"), Berlin, At("2020-01-01T00:00+01:00"), At("2025-06-01T00:00Z"), CatchUpPolicy.Latest);

        Assert.Equal([At("2025-01-01T00:00+01:00")], decision.Fire);
        Assert.Equal(At("2026-01-01T00:00+01:00"), decision.NextDue);
        Assert.True(decision.SkippedMissed);
    }

    [Fact]
    public void Catch_up_uses_the_zone()
    {
        var decision = CatchUp.Decide(DailyAtTwo, NewYork, At("2025-01-01T02:00-05:00"), At("2025-01-03T12:00Z"), CatchUpPolicy.Latest);

        Assert.Equal([At("2025-01-03T02:00-05:00")], decision.Fire);
        Assert.Equal(At("2025-01-04T02:00-05:00"), decision.NextDue);
    }

    [Fact]
    public void A_negative_grace_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            CatchUp.Decide(DailyAtTwo, Utc, null, At("2025-01-01T00:00Z"), CatchUpPolicy.None, TimeSpan.FromSeconds(-1)));
    }
}
