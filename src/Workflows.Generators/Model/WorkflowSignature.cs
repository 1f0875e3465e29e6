using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// What a step that runs a workflow (<c>workflow:</c>) needs to know about it: its class, inputs, outputs
/// and constructor. Derived from the workflow's binding, so callers are checked against what it really is.
/// </summary>
/// <param name="Name">The workflow's <c>name:</c>.</param>
/// <param name="FilePath">Its file, for messages.</param>
/// <param name="ClassName">Its generated class, fully qualified; null when the workflow has errors.</param>
/// <param name="Inputs">Its inputs, as the parameters a step's <c>with:</c> binds.</param>
/// <param name="InputProperties">The <c>Inputs</c> property of each input, in the same order.</param>
/// <param name="Outputs">The shape of its <c>Outputs</c> record; null when it declares none.</param>
/// <param name="Hosts">The hosts its constructor takes, in order.</param>
internal sealed record WorkflowSignature(
    string Name,
    string FilePath,
    string? ClassName,
    EquatableArray<ActionParameter> Inputs,
    EquatableArray<string> InputProperties,
    TypeShape? Outputs,
    EquatableArray<HostSpec> Hosts,
    bool Durable = false)
{
    public bool IsValid => ClassName is not null;

    public static WorkflowSignature Invalid(string name, string filePath)
        => new(name, filePath, null, EquatableArray<ActionParameter>.Empty, EquatableArray<string>.Empty, null, EquatableArray<HostSpec>.Empty);
}
