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
    EquatableArray<InputSpec> Inputs,
    EquatableArray<OutputSpec> Outputs,
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

/// <summary>A property of the generated <c>Inputs</c> record.</summary>
/// <param name="Type">The property's C# type.</param>
/// <param name="DefaultValue">A C# literal, or null when the input has no default.</param>
internal sealed record InputSpec(string Name, string PropertyName, string Type, bool IsRequired, string? DefaultValue, string? Description);

/// <summary>A property of the generated <c>Outputs</c> record, and the C# expression that computes it.</summary>
internal sealed record OutputSpec(string Name, string PropertyName, string Type, string Value);

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
    string? OutputType,
    EquatableArray<ArgumentSpec> Arguments,
    EquatableArray<int> Dependencies,
    string? Condition,
    bool RunsAfterSkippedDependencies)
{
    public bool IsStatic => HostIndex < 0;

    public bool HasOutput => OutputType is not null;

    /// <summary>The local (sequential shape) or field (concurrent shape) that holds the step's output.</summary>
    public string OutputVariable => Camel + "Output";

    /// <summary>True once the step's action has completed; false while pending, or when it was skipped.</summary>
    public string SucceededVariable => Camel + "Succeeded";

    private string Camel => char.ToLowerInvariant(Identifier[0]) + Identifier.Substring(1);
}

/// <summary>A named argument of the action call.</summary>
internal sealed record ArgumentSpec(string ParameterName, ArgumentSource Source, string Expression);

internal enum ArgumentSource
{
    /// <summary><see cref="ArgumentSpec.Expression"/> is C#: a literal or a compiled <c>${{ }}</c> expression.</summary>
    Value,

    /// <summary>The run's cancellation token.</summary>
    CancellationToken,
}
