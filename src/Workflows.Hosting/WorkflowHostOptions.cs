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

    /// <summary>
    /// How many durable runs the host runs at once, across all its workflows: it claims runs only for free slots and
    /// claims more as runs end, leaving the rest to other hosts on the store. 16 by default: durable runs mostly await
    /// I/O (each run's own steps are bounded by its <c>max_parallel</c>), so more runs than cores keep a worker busy,
    /// while a burst of enqueued runs is spread across the hosts instead of piling on the first one that polls, and
    /// stays far below a connection pool's size (Npgsql: 100). Raise it for many slow I/O-bound runs; lower it for
    /// CPU-bound steps.
    /// </summary>
    public int MaxConcurrentRuns { get; set; } = 16;
}
