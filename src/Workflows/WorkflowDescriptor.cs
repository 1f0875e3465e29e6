using System;
using System.Collections.Generic;

namespace Workflows;

/// <summary>
/// The static shape of a generated workflow: its steps and the parallel batches the generator computed.
/// </summary>
public sealed class WorkflowDescriptor
{
    /// <summary>Creates a descriptor. Called by generated code.</summary>
    public WorkflowDescriptor(
        string name,
        string? description,
        string sourceFile,
        IReadOnlyList<WorkflowStepDescriptor> steps,
        IReadOnlyList<IReadOnlyList<string>> batches)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Description = description;
        SourceFile = sourceFile ?? throw new ArgumentNullException(nameof(sourceFile));
        Steps = steps ?? throw new ArgumentNullException(nameof(steps));
        Batches = batches ?? throw new ArgumentNullException(nameof(batches));
    }

    /// <summary>The workflow's <c>name:</c>.</summary>
    public string Name { get; }

    /// <summary>The workflow's <c>description:</c>, if any.</summary>
    public string? Description { get; }

    /// <summary>The file name of the workflow definition.</summary>
    public string SourceFile { get; }

    /// <summary>The steps, in file order.</summary>
    public IReadOnlyList<WorkflowStepDescriptor> Steps { get; }

    /// <summary>
    /// Topological levels: every step of a batch depends only on steps of earlier batches.
    /// A step still starts as soon as its own dependencies finish, not when its whole previous batch does.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Batches { get; }

    /// <summary>The signals the workflow's <c>signal:</c> steps wait for; empty when it has none.</summary>
    public IReadOnlyList<WorkflowSignalDescriptor> Signals { get; init; } = Array.Empty<WorkflowSignalDescriptor>();

    /// <summary>The workflow's limits across runs (<c>concurrency:</c>, <c>rate:</c>); null when it has none.</summary>
    public Durability.RunLimits? Limits { get; init; }
}
