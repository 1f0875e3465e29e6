using System;
using System.Collections.Generic;

namespace Workflows;

/// <summary>One step of a generated workflow.</summary>
public sealed class WorkflowStepDescriptor
{
    /// <summary>Creates a step descriptor. Called by generated code.</summary>
    public WorkflowStepDescriptor(string id, string action, IReadOnlyList<string> dependsOn, string? displayName = null)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        Action = action ?? throw new ArgumentNullException(nameof(action));
        DependsOn = dependsOn ?? throw new ArgumentNullException(nameof(dependsOn));
        DisplayName = displayName;
    }

    /// <summary>The step's <c>id:</c>.</summary>
    public string Id { get; }

    /// <summary>The step's <c>action:</c> name.</summary>
    public string Action { get; }

    /// <summary>The ids of the steps this one waits for.</summary>
    public IReadOnlyList<string> DependsOn { get; }

    /// <summary>The step's <c>name:</c>, if any.</summary>
    public string? DisplayName { get; }
}
