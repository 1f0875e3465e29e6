using System;

namespace Workflows;

/// <summary>
/// Marks a method as a workflow action that steps can name in their <c>action:</c> key.
/// </summary>
/// <remarks>
/// The method may be static, or an instance method of a class (or interface) that the generated workflow
/// receives through its constructor. Parameters bind by name from the step's <c>with:</c> map; a
/// <see cref="System.Threading.CancellationToken"/> parameter receives the run's token. The return value
/// (<c>T</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask&lt;T&gt;</c>, <c>Task</c>, <c>ValueTask</c> or <c>void</c>) is the step's output.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowActionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The action name used in workflow files, for example <c>deploy.push</c>.</param>
    public WorkflowActionAttribute(string name) => Name = name;

    /// <summary>The action name used in workflow files.</summary>
    public string Name { get; }

    /// <summary>An optional human readable description, shown in tooling.</summary>
    public string? Description { get; set; }
}
