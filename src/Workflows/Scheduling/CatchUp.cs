using System;
using System.Collections.Generic;

namespace Workflows.Scheduling;

/// <summary>What a schedule does about occurrences it missed while nothing was running.</summary>
public enum CatchUpPolicy
{
    /// <summary>Missed occurrences are dropped; the schedule carries on with the next one.</summary>
    None,

    /// <summary>The most recent missed occurrence runs once, now; older ones are dropped.</summary>
    Latest,
}

/// <summary>What to fire now, and when to look again. See <see cref="CatchUp.Decide(CronExpression, TimeZoneInfo, DateTimeOffset?, DateTimeOffset, CatchUpPolicy, TimeSpan)"/>.</summary>
/// <param name="Fire">The occurrences to run now (none or one), identified by their scheduled instant.</param>
/// <param name="NextDue">The next occurrence after now, or null if there is none.</param>
/// <param name="SkippedMissed">Whether missed occurrences were dropped (policy <see cref="CatchUpPolicy.None"/>, or the older ones under <see cref="CatchUpPolicy.Latest"/>).</param>
public sealed record CatchUpDecision(IReadOnlyList<DateTimeOffset> Fire, DateTimeOffset? NextDue, bool SkippedMissed);

/// <summary>Decides which occurrences of a schedule are due. Pure functions: no clock, no timers.</summary>
public static class CatchUp
{
    /// <summary>How late an occurrence may be handled and still count as on time, not missed: one minute.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(1);

    /// <summary>Decides with the <see cref="DefaultGrace"/>.</summary>
    /// <param name="expression">The schedule's expression.</param>
    /// <param name="zone">The schedule's time zone.</param>
    /// <param name="lastFired">The last occurrence that was fired, or null if none ever was.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="policy">What to do about missed occurrences.</param>
    /// <returns>The decision.</returns>
    public static CatchUpDecision Decide(CronExpression expression, TimeZoneInfo zone, DateTimeOffset? lastFired, DateTimeOffset now, CatchUpPolicy policy) =>
        Decide(expression, zone, lastFired, now, policy, DefaultGrace);

    /// <summary>
    /// Decides which occurrence to fire now. The candidate is the most recent occurrence at or before
    /// <paramref name="now"/> and after <paramref name="lastFired"/>. If it is at most <paramref name="grace"/> old it
    /// is on time and fires under either policy; if older it was missed, and fires only under
    /// <see cref="CatchUpPolicy.Latest"/>. At most one occurrence fires. With no <paramref name="lastFired"/> only an
    /// on-time occurrence can fire: nothing before the schedule's first evaluation counts as missed.
    /// </summary>
    /// <param name="expression">The schedule's expression.</param>
    /// <param name="zone">The schedule's time zone.</param>
    /// <param name="lastFired">The last occurrence that was fired (its scheduled instant), or null if none ever was.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="policy">What to do about missed occurrences.</param>
    /// <param name="grace">How late an occurrence may be and still be on time (timer latency); zero or more.</param>
    /// <returns>The occurrences to fire now and the next due instant (strictly after <paramref name="now"/>).</returns>
    public static CatchUpDecision Decide(CronExpression expression, TimeZoneInfo zone, DateTimeOffset? lastFired, DateTimeOffset now, CatchUpPolicy policy, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(zone);

        if (grace < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(grace), grace, "The grace period must not be negative.");
        }

        var onTimeFrom = now - grace;
        var lower = lastFired ?? onTimeFrom - TimeSpan.FromTicks(1);
        var latest = lower < now ? LatestOccurrence(expression, zone, lower, now) : null;
        var next = expression.GetNextOccurrence(now, zone);
        if (latest is not { } due)
        {
            return new CatchUpDecision([], next, SkippedMissed: false);
        }

        var onTime = due >= onTimeFrom;
        // Anything between the last fired occurrence and the one that fires (or, if none fires, up to now) is dropped.
        var earlierMissed = expression.GetNextOccurrence(lower, zone) < due;
        if (onTime || policy == CatchUpPolicy.Latest)
        {
            return new CatchUpDecision([due], next, SkippedMissed: earlierMissed);
        }

        return new CatchUpDecision([], next, SkippedMissed: true);
    }

    /// <summary>The most recent occurrence in (<paramref name="after"/>, <paramref name="upTo"/>], searched in growing windows back from the end.</summary>
    private static DateTimeOffset? LatestOccurrence(CronExpression expression, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset upTo)
    {
        var window = TimeSpan.FromHours(1);
        while (true)
        {
            var windowStart = upTo - after > window ? upTo - window : after;
            DateTimeOffset? latest = null;
            foreach (var occurrence in expression.GetOccurrences(windowStart, upTo, zone))
            {
                latest = occurrence;
            }

            if (latest is not null || windowStart == after)
            {
                return latest;
            }

            window = TimeSpan.FromTicks(window.Ticks * 2);
        }
    }
}
