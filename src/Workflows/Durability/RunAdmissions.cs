using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Workflows.Durability;

/// <summary>
/// How a store chooses the runs a claim admits, whatever its SQL: the store finds the claimable runs that need no
/// admission (already admitted, or without limits) and the queued runs that fit their concurrency limit (each group's
/// first free places), counts each rate-limited workflow's recent admissions, and this picks the claim in order.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public static class RunAdmissions
{
    /// <summary>The stored statuses in which an admitted run holds its concurrency slot (admitted and not finished).</summary>
    public static readonly IReadOnlyList<RunStatus> SlotHolding = new[] { RunStatus.Pending, RunStatus.Running, RunStatus.Waiting, RunStatus.Paused };

    /// <summary>
    /// The runs to claim, at most <paramref name="max"/>, highest priority first, then oldest: every candidate in that
    /// order except queued ones whose workflow's rate is spent (<paramref name="rateLeft"/>: admissions left now per
    /// workflow; absent means no rate).
    /// </summary>
    public static IReadOnlyList<string> Choose(IReadOnlyList<ClaimCandidate> candidates, IDictionary<string, int> rateLeft, int max)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(rateLeft);
        var ordered = new List<ClaimCandidate>(candidates);
        ordered.Sort(static (a, b) =>
        {
            int byPriority = b.Priority.CompareTo(a.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            int byTime = a.CreatedAt.CompareTo(b.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.RunId, b.RunId);
        });

        var chosen = new List<string>(Math.Min(max, ordered.Count));
        foreach (var candidate in ordered)
        {
            if (chosen.Count == max)
            {
                break;
            }

            if (candidate.Queued && rateLeft.TryGetValue(candidate.WorkflowName, out var left))
            {
                if (left <= 0)
                {
                    continue;
                }

                rateLeft[candidate.WorkflowName] = left - 1;
            }

            chosen.Add(candidate.RunId);
        }

        return chosen;
    }
}

/// <summary>A run a claim may take: <paramref name="Queued"/> when it is still to be admitted within its limits.</summary>
/// <param name="RunId">The run.</param>
/// <param name="WorkflowName">Its workflow (rates are per workflow).</param>
/// <param name="Priority">Higher first.</param>
/// <param name="CreatedAt">Older first, at equal priority.</param>
/// <param name="Queued">True for a run not yet admitted that has limits.</param>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public readonly record struct ClaimCandidate(string RunId, string WorkflowName, int Priority, DateTimeOffset CreatedAt, bool Queued);
