using System;

namespace Workflows.Hosting;

/// <summary>Settings of the <see cref="WorkflowHostService"/>.</summary>
public sealed class WorkflowHostOptions
{
    /// <summary>
    /// How far back, from the service's start, an occurrence missed while no process ran may be caught up
    /// (schedules with <c>catch_up: latest</c>): the most recent occurrence in this window fires once at start,
    /// unless the store already holds a run with its id. One day by default.
    /// </summary>
    public TimeSpan CatchUpWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Whether durable runs that need an owner are recovered at start (true by default).</summary>
    public bool RecoverOnStart { get; set; } = true;
}
