using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// A valid workflow bound to its C# actions: all the emitter needs, and nothing it would have to compute.
/// </summary>
internal sealed record WorkflowSpec(
    string WorkflowName,
    string? Description,
    string SourceFileName,
    string Namespace,
    string ClassName,
    EquatableArray<HostSpec> Hosts,
    EquatableArray<StepSpec> Steps,
    EquatableArray<EquatableArray<int>> Batches)
{
    public string HintName => Namespace + "." + ClassName + ".g.cs";

    /// <summary>True when no two steps can ever run at the same time (every batch holds one step).</summary>
    public bool IsSequential
    {
        get
        {
            foreach (var batch in Batches)
            {
                if (batch.Count != 1)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>An object whose instance actions the workflow calls; it comes in through the constructor.</summary>
internal sealed record HostSpec(string Type, string FieldName, string ParameterName);

/// <summary>A step bound to its action method.</summary>
internal sealed record StepSpec(
    string Id,
    string? DisplayName,
    string ActionName,
    string Identifier,
    int HostIndex,
    string ContainingType,
    string MethodName,
    ActionReturnKind ReturnKind,
    EquatableArray<ArgumentSpec> Arguments,
    EquatableArray<int> Dependencies)
{
    public bool IsStatic => HostIndex < 0;
}

/// <summary>A named argument of the action call.</summary>
internal sealed record ArgumentSpec(string ParameterName, ArgumentSource Source, string Expression);

internal enum ArgumentSource
{
    /// <summary><see cref="ArgumentSpec.Expression"/> is a C# literal.</summary>
    Literal,

    /// <summary>The run's cancellation token.</summary>
    CancellationToken,
}
