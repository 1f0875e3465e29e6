using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// What C# sees of a workflow whose file has errors: its class, constructor, <c>Inputs</c> and <c>Outputs</c>
/// records and run methods, with bodies that throw. Emitted so that the app's own code that uses the class
/// still compiles, and the class's <c>[Obsolete]</c> sends the reader to the first error in the workflow file.
/// </summary>
/// <param name="Problem">The first error as <c>file(line,col): WFxxxx: message</c>, and how many more there are.</param>
/// <param name="HasInputs">The file declares inputs: <c>RunAsync</c> takes an <c>Inputs</c> record.</param>
/// <param name="HasOutputs">The file declares outputs: <c>RunAsync</c> returns an <c>Outputs</c> record.</param>
/// <param name="Hosts">The types of the objects whose actions the steps that could be bound call.</param>
/// <param name="CanRunDurably">The file names a <c>json_context</c> or says <c>durable: true</c>.</param>
internal sealed record WorkflowSurfaceSpec(
    string WorkflowName,
    string SourceFileName,
    string Namespace,
    string ClassName,
    string Problem,
    bool HasInputs,
    EquatableArray<SurfaceMember> Inputs,
    bool HasOutputs,
    EquatableArray<SurfaceMember> Outputs,
    EquatableArray<string> Hosts,
    bool CanRunDurably)
{
    public string HintName => Namespace + "." + ClassName + ".g.cs";
}

/// <summary>A property of the surface's <c>Inputs</c> or <c>Outputs</c> record.</summary>
/// <param name="Type">Its C# type: the bound one, or <c>object?</c> when the file's errors leave it unknown.</param>
/// <param name="DefaultValue">A C# literal, for an optional input whose default was bound.</param>
internal sealed record SurfaceMember(string Name, string PropertyName, string Type, bool IsRequired, string? DefaultValue);
