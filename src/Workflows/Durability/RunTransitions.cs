using System;
using System.Collections.Generic;

namespace Workflows.Durability;

/// <summary>Who moves a run from one status to another.</summary>
public enum RunActor
{
    /// <summary>The process that owns the run (holds its lease): it starts, completes, releases and pauses it.</summary>
    Owner,

    /// <summary>A process that claims a run nobody owns (a host, <c>RecoverAsync</c>, <c>resume</c>): pending or expired runs.</summary>
    Claimer,

    /// <summary>A person or program steering the run through <see cref="WorkflowRuns"/> (pause, resume, cancel, retry).</summary>
    Operator,
}

/// <summary>
/// The run state machine: every status change a store makes is one of these moves, made by a conditional update
/// from the expected status, so a move that is not listed is refused (the store changes nothing and says false).
/// </summary>
/// <remarks>
/// <code>
///   (start) ──owner──▶ running ──owner──▶ succeeded | failed | cancelled
///                      │  ▲  │
///        owner: pause, │  │  └─owner: waits for a signal or a timer──▶ waiting
///        release       ▼  │claimer                                       │ claimer, once woken
///              paused|pending ◀──────────────────────────────────────────┘
///   operator: pause pending|waiting → paused; resume paused → pending; cancel pending|paused|waiting → cancelled;
///             retry failed|cancelled → pending. A running run is never moved by an operator while its owner lives:
///             pause and cancel are recorded as requests (<see cref="RunControl"/>) the owner applies.
/// </code>
/// </remarks>
public static class RunTransitions
{
    private static readonly (RunStatus From, RunStatus To, RunActor By)[] s_moves =
    {
        (RunStatus.Running, RunStatus.Succeeded, RunActor.Owner),
        (RunStatus.Running, RunStatus.Failed, RunActor.Owner),
        (RunStatus.Running, RunStatus.Cancelled, RunActor.Owner),
        (RunStatus.Running, RunStatus.Paused, RunActor.Owner),
        (RunStatus.Running, RunStatus.Pending, RunActor.Owner),
        (RunStatus.Running, RunStatus.Waiting, RunActor.Owner),
        (RunStatus.Pending, RunStatus.Running, RunActor.Claimer),
        (RunStatus.Running, RunStatus.Running, RunActor.Claimer),
        (RunStatus.Waiting, RunStatus.Running, RunActor.Claimer),
        (RunStatus.Pending, RunStatus.Paused, RunActor.Operator),
        (RunStatus.Waiting, RunStatus.Paused, RunActor.Operator),
        (RunStatus.Paused, RunStatus.Pending, RunActor.Operator),
        (RunStatus.Pending, RunStatus.Cancelled, RunActor.Operator),
        (RunStatus.Paused, RunStatus.Cancelled, RunActor.Operator),
        (RunStatus.Waiting, RunStatus.Cancelled, RunActor.Operator),
        (RunStatus.Failed, RunStatus.Pending, RunActor.Operator),
        (RunStatus.Cancelled, RunStatus.Pending, RunActor.Operator),

        // A running run whose owner is gone (its lease expired): nobody else would apply the request.
        (RunStatus.Running, RunStatus.Paused, RunActor.Operator),
        (RunStatus.Running, RunStatus.Cancelled, RunActor.Operator),
    };

    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<(RunStatus From, RunStatus To, RunActor By)> Moves => s_moves;

    /// <summary>True when <paramref name="by"/> may move a run from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <remarks>An operator's move from <see cref="RunStatus.Running"/> is allowed only once the owner's lease expired.</remarks>
    public static bool Allows(RunStatus from, RunStatus to, RunActor by) => Array.IndexOf(s_moves, (from, to, by)) >= 0;

    /// <summary>The statuses <paramref name="by"/> may move a run to <paramref name="to"/> from.</summary>
    public static RunStatus[] From(RunStatus to, RunActor by)
    {
        var from = new List<RunStatus>();
        foreach (var move in s_moves)
        {
            if (move.To == to && move.By == by && !from.Contains(move.From))
            {
                from.Add(move.From);
            }
        }

        return from.ToArray();
    }
}
