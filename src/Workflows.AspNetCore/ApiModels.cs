using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Workflows.AspNetCore;

/// <summary>A workflow in the list of <c>GET /workflows</c>.</summary>
/// <param name="Name">Its <c>name:</c>.</param>
/// <param name="Description">Its <c>description:</c>.</param>
/// <param name="Durable">True when its runs are kept in the store and can be paused, resumed and retried.</param>
/// <param name="Triggers">How it starts besides the API: <c>schedule: CRON (ZONE)</c> entries.</param>
/// <param name="Steps">How many steps it has.</param>
/// <param name="Url">Its own URL.</param>
public sealed record WorkflowSummary(string Name, string? Description, bool Durable, IReadOnlyList<string> Triggers, int Steps, string Url);

/// <summary>One workflow, as <c>GET /workflows/{name}</c> shows it.</summary>
public sealed record WorkflowDetail(
    string Name,
    string? Description,
    bool Durable,
    IReadOnlyList<ParameterView> Inputs,
    IReadOnlyList<ParameterView> Outputs,
    IReadOnlyList<StepInfo> Steps,
    IReadOnlyList<IReadOnlyList<string>> Batches,
    IReadOnlyList<ScheduleView> Schedules,
    string? Mermaid,
    string RunsUrl);

/// <summary>An input or output.</summary>
/// <param name="Name">Its name in the workflow file.</param>
/// <param name="Type">Its C# type.</param>
/// <param name="JsonType">The JSON type a value must have: string, integer, number, boolean, array, or any (a type of the app's own: record, enum).</param>
/// <param name="Required">True for an input that must be given.</param>
/// <param name="Default">Its default as written in the workflow file.</param>
/// <param name="Description">Its <c>description:</c>.</param>
public sealed record ParameterView(string Name, string Type, string JsonType, bool Required, string? Default, string? Description);

/// <summary>A step of the graph.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Action">The action it calls.</param>
/// <param name="Name">Its <c>name:</c>.</param>
/// <param name="DependsOn">The steps it waits for.</param>
/// <param name="Level">Its batch (topological level), from 0: the dashboard's column.</param>
public sealed record StepInfo(string Id, string Action, string? Name, IReadOnlyList<string> DependsOn, int Level);

/// <summary>A schedule with its next occurrence (null when there is none).</summary>
public sealed record ScheduleView(string Cron, string TimeZone, DateTimeOffset? Next);

/// <summary>The answer to starting a run.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Workflow">The workflow.</param>
/// <param name="Status">pending, running, succeeded, failed, cancelled, paused.</param>
/// <param name="Url">The run's URL (also in <c>Location</c>).</param>
/// <param name="Outputs">With <c>?wait=true</c>, the outputs of a run that succeeded.</param>
/// <param name="Error">With <c>?wait=true</c>, why a run did not succeed.</param>
public sealed record RunCreated(string RunId, string Workflow, string Status, string Url, JsonElement? Outputs, string? Error);

/// <summary>A run in the list of <c>GET /runs</c>.</summary>
public sealed record RunSummary(string RunId, string Workflow, string Status, bool Durable, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, string? Error, string Url);

/// <summary>How far a run has got.</summary>
/// <param name="Done">Steps that ended (succeeded, failed, skipped).</param>
/// <param name="Total">All steps.</param>
/// <param name="Percent">0 to 100.</param>
public sealed record RunProgress(int Done, int Total, double Percent);

/// <summary>
/// One run, as <c>GET /runs/{id}</c> and the event stream show it. <c>Signals</c>: the signals a waiting run waits
/// for (send one with <c>POST /runs/{id}/signals/{name}</c>); null otherwise.
/// </summary>
public sealed record RunView(
    string RunId,
    string Workflow,
    string Status,
    bool Durable,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    RunProgress Progress,
    IReadOnlyList<string> RunningSteps,
    IReadOnlyList<StepView> Steps,
    JsonElement? Inputs,
    JsonElement? Outputs,
    string? Error,
    string? WaitingFor,
    IReadOnlyList<EventView> Events,
    IReadOnlyList<string>? Signals = null);

/// <summary>A step of a run.</summary>
/// <param name="Id">The step's id.</param>
/// <param name="Status">waiting, running, retrying, succeeded, failed, skipped, compensated.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="StartedAt">When its first attempt started.</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="Error">Why it failed (secrets masked).</param>
/// <param name="Items">For a <c>foreach</c> step recorded item by item, how many items; else 0.</param>
public sealed record StepView(string Id, string Status, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? Error, int Items);

/// <summary>An entry of a run's history.</summary>
public sealed record EventView(DateTimeOffset At, string Kind, string? StepId, string? Detail);
