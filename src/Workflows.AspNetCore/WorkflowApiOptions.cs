using System;

namespace Workflows.AspNetCore;

/// <summary>Settings of the HTTP API and dashboard mapped by <c>MapWorkflows()</c>.</summary>
public sealed class WorkflowApiOptions
{
    /// <summary>
    /// The authorization policy the reading endpoints require (list and show workflows and runs, the event stream, the
    /// dashboard's pages); null (the default) adds none: the group <c>MapWorkflows()</c> returns can still take
    /// <c>RequireAuthorization(...)</c> for every endpoint.
    /// </summary>
    public string? ReadPolicy { get; set; }

    /// <summary>
    /// The authorization policy the steering endpoints require on top of any on the group (start a run, pause, resume,
    /// cancel, retry): a stricter one than <see cref="ReadPolicy"/> lets everyone watch and only some act.
    /// </summary>
    public string? SteeringPolicy { get; set; }

    /// <summary>The largest request body read (a run's inputs), in bytes; a larger one gets 413. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How many runs that are not durable this process remembers for <c>GET /runs</c> once they ended (oldest forgotten first). Default 200.</summary>
    public int MaxRememberedRuns { get; set; } = 200;

    /// <summary>How long <c>?wait=true</c> waits for a run to end before answering 202 with the run's URL. Default 100 seconds.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How often the event stream looks for changes it is not told about (a durable run that another process runs or
    /// steers). Default one second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a durable run resumed or retried through the API continues in this process at once (true, the default);
    /// false leaves it pending for a host or worker (<c>serve</c>, <see cref="Hosting.WorkflowHostService"/>) to continue.
    /// </summary>
    public bool ContinueInProcess { get; set; } = true;

    /// <summary>Where the dashboard is served; null maps no dashboard. Default <c>/workflows</c>.</summary>
    public string? DashboardPath { get; set; } = "/workflows";
}
