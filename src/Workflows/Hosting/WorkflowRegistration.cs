using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Scheduling;

namespace Workflows.Hosting;

/// <summary>
/// What a host needs to know about one generated workflow, without reflection: how to create it from a
/// service provider, its schedules, and how to start or recover its runs. Generated classes expose theirs as
/// <c>Registration</c>, and each project gets a generated <c>WorkflowRegistrations.All</c> listing every one.
/// </summary>
/// <param name="Name">The workflow's <c>name:</c>.</param>
/// <param name="Descriptor">Its steps and batches.</param>
/// <param name="Schedules">Its <c>on: schedule:</c> entries.</param>
/// <param name="IsDurable">True when it names a <c>json_context</c>: runs can be durable and recovered.</param>
/// <param name="Create">Creates the workflow, taking the objects whose actions it calls (and <see cref="WorkflowOptions"/>, if registered) from the provider.</param>
/// <param name="RunScheduledAsync">
/// Starts one run with default inputs (null when the workflow has required inputs, so it cannot be scheduled): durably as
/// the given run id when the workflow is durable and its options have a store, otherwise as a plain run.
/// </param>
/// <param name="RecoverAsync">Resumes the workflow's durable runs that need an owner (null when it is not durable).</param>
public sealed record WorkflowRegistration(
    string Name,
    WorkflowDescriptor Descriptor,
    IReadOnlyList<WorkflowSchedule> Schedules,
    bool IsDurable,
    Func<IServiceProvider, object> Create,
    Func<object, string, CancellationToken, Task>? RunScheduledAsync,
    Func<object, CancellationToken, Task<int>>? RecoverAsync)
{
    /// <summary>Its <c>inputs:</c>, in file order.</summary>
    public IReadOnlyList<WorkflowParameter> Inputs { get; init; } = Array.Empty<WorkflowParameter>();

    /// <summary>Its <c>outputs:</c>, in file order.</summary>
    public IReadOnlyList<WorkflowParameter> Outputs { get; init; } = Array.Empty<WorkflowParameter>();

    /// <summary>The text of the workflow file it was generated from (YAML, or JSON for <c>.workflow.json</c>).</summary>
    public string? Definition { get; init; }

    /// <summary>The same definition as JSON (converted at build time).</summary>
    public string? DefinitionJson { get; init; }

    /// <summary>Its steps and dependencies as a Mermaid flowchart.</summary>
    public string? Mermaid { get; init; }

    /// <summary>
    /// Runs the workflow with inputs given from outside and returns its outputs as a JSON object (null when it has no
    /// outputs). The inputs are read first: <see cref="WorkflowInputException"/> means nothing ran. With a run id, a
    /// durable workflow whose options have a store runs durably as that id; otherwise it runs as a plain run.
    /// </summary>
    public Func<object, WorkflowInputValues, string?, CancellationToken, Task<string?>>? InvokeAsync { get; init; }

    /// <summary>
    /// Continues one durable run by its id (pending, paused and resumed, retried, or left by a dead process) and returns
    /// its outputs as JSON. Null when the workflow is not durable.
    /// </summary>
    public Func<object, string, CancellationToken, Task<string?>>? ResumeAsync { get; init; }
}
