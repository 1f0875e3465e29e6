using System;

namespace Workflows.Hosting;

/// <summary>Settings of the <see cref="WorkflowHostService"/>.</summary>
public sealed class WorkflowHostOptions
{
    /// <summary>
    /// Record the history of the host's runs of workflows that are not durable in <see cref="WorkflowOptions.Store"/>
    /// (<see cref="WorkflowOptions.History"/>), so <c>runs</c> and <c>status</c> show them. Default true; without a store
    /// nothing is recorded.
    /// </summary>
    public bool History { get; set; } = true;

    /// <summary>
    /// How far back, from the service's start, an occurrence missed while no process ran may be caught up
    /// (schedules with <c>catch_up: latest</c>): the most recent occurrence in this window fires once at start,
    /// unless the store already holds a run with its id. One day by default.
    /// </summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Whether durable runs that need an owner are recovered at start (true by default).</summary>
    public bool RecoverOnStart { get; set; } = true;

    /// <summary>
    /// How long finished durable runs are kept in the store: when set, the service deletes runs that finished
    /// longer ago than this (with their steps and events) at start and then every <see cref="RetentionInterval"/>.
    /// Runs that have not finished are never deleted. Null (the default) keeps every run.
    /// </summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often <see cref="Retention"/> is applied; one hour by default.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the service claims the durable runs that became runnable while it runs: waiting runs whose signal
    /// arrived or whose time came (<c>signal:</c>, <c>sleep:</c> steps), and runs resumed or retried elsewhere. Each
    /// claim is one indexed query per workflow and is atomic, so several hosts on one store never continue a run
    /// twice. One second by default (on <see cref="WorkflowOptions.TimeProvider"/>); null turns the loop off
    /// (runs are then only recovered at start).
    /// </summary>
    public TimeSpan? ClaimInterval { get; set; } = TimeSpan.FromSeconds(1);
}
