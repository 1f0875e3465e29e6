using System;

namespace Workflows.Durability;

/// <summary>
/// A workflow's limits across runs (<c>concurrency: limit</c> and <c>rate:</c>), enforced by the store when it
/// admits a run: a run over a limit stays <see cref="RunStatus.Pending"/>, queued by priority then enqueue time, and
/// starts when a slot frees, whichever process or machine claims it.
/// </summary>
public sealed record RunLimits
{
    /// <summary>Limits of a workflow. Called by generated code.</summary>
    /// <param name="concurrency">At most this many runs (per concurrency key) admitted and not finished at once; null for no limit.</param>
    /// <param name="rateCount">At most this many runs admitted per <paramref name="ratePeriod"/>; null for no rate.</param>
    /// <param name="ratePeriod">The rate's period.</param>
    public RunLimits(int? concurrency, int? rateCount = null, TimeSpan? ratePeriod = null)
    {
        if (concurrency is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, "A concurrency limit is at least 1.");
        }

        if (rateCount is < 1 || (rateCount is not null) != (ratePeriod is not null) || ratePeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(rateCount), rateCount, "A rate is a count of at least 1 per a positive period.");
        }

        Concurrency = concurrency;
        RateCount = rateCount;
        RatePeriod = ratePeriod;
    }

    /// <summary>At most this many runs per concurrency key hold a slot at once (admitted, not finished); null for no limit.</summary>
    public int? Concurrency { get; }

    /// <summary>At most this many runs of the workflow are admitted per <see cref="RatePeriod"/>; null for no rate.</summary>
    public int? RateCount { get; }

    /// <summary>The period of <see cref="RateCount"/>.</summary>
    public TimeSpan? RatePeriod { get; }
}
