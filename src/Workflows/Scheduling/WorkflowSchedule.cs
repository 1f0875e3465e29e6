using System;
using System.Globalization;

namespace Workflows.Scheduling;

/// <summary>
/// One <c>on: schedule:</c> entry of a workflow, checked at build time (cron expression and time zone).
/// Generated classes list theirs in a static <c>Schedules</c> property.
/// </summary>
/// <param name="WorkflowName">The workflow it starts.</param>
/// <param name="Cron">The cron expression (five fields, or a macro such as <c>@daily</c>).</param>
/// <param name="TimeZone">The time zone the expression is read in (IANA id, or <c>UTC</c>).</param>
/// <param name="AllowOverlap">True (<c>overlap: allow</c>): an occurrence starts even while the previous run is going.</param>
/// <param name="CatchUp">What to do about occurrences missed while no process ran (<c>catch_up:</c>).</param>
public sealed record WorkflowSchedule(string WorkflowName, string Cron, string TimeZone, bool AllowOverlap, CatchUpPolicy CatchUp)
{
    private CronExpression? _expression;
    private TimeZoneInfo? _zone;

    /// <summary>The parsed expression.</summary>
    public CronExpression Expression => _expression ??= CronExpression.Parse(Cron);

    /// <summary>The time zone.</summary>
    public TimeZoneInfo Zone => _zone ??= TimeZones.TryFind(TimeZone, out var zone)
        ? zone
        : throw new InvalidOperationException($"Schedule '{Cron}' of workflow '{WorkflowName}' names time zone '{TimeZone}', which this machine does not know.");

    /// <summary>
    /// The durable run id of one occurrence: the same on every process, so with a shared store exactly one process
    /// starts it (the others find the run already there).
    /// </summary>
    public string RunIdFor(DateTimeOffset occurrence)
        => "schedule:" + WorkflowName + ":" + occurrence.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
