using System;
using Workflows.Scheduling;
using Xunit;

namespace Workflows.Scheduling.Tests;

public class TimeZonesTests
{
    [Theory]
    [InlineData("Europe/Berlin", 1, 2)]
    [InlineData("America/New_York", -5, -4)]
    [InlineData("Asia/Tokyo", 9, 9)]
    public void Iana_ids_are_found(string id, int winterHours, int summerHours)
    {
        Assert.True(TimeZones.TryFind(id, out var zone));

        Assert.Equal(TimeSpan.FromHours(winterHours), zone.GetUtcOffset(new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(summerHours), zone.GetUtcOffset(new DateTimeOffset(2025, 7, 15, 12, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("utc")]
    [InlineData("Etc/UTC")]
    public void Utc_is_found(string id)
    {
        Assert.True(TimeZones.TryFind(id, out var zone));
        Assert.Same(TimeZoneInfo.Utc, zone);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(" Europe/Berlin")]
    [InlineData("Europe/Berlin ")]
    [InlineData("../../etc/passwd")]
    [InlineData(null)]
    public void Unknown_ids_are_not_found(string? id)
    {
        Assert.False(TimeZones.TryFind(id!, out var zone));
        Assert.Null(zone);
    }
}
