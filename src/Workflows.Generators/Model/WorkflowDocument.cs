using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// A workflow file as written: the result of <see cref="Parsing.WorkflowDocumentParser"/>, before any
/// binding to C#. Value-equatable so the incremental generator can cache it.
/// </summary>
internal sealed record WorkflowDocument(
    string FilePath,
    LocatedString? Name,
    LocatedString? Namespace,
    string? Description,
    EquatableArray<StepDocument> Steps,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public string FileName => System.IO.Path.GetFileName(FilePath);

    public bool HasErrors
    {
        get
        {
            foreach (var diagnostic in Diagnostics)
            {
                if (diagnostic.IsError)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>One entry of <c>steps:</c>.</summary>
internal sealed record StepDocument(
    LocatedString Id,
    LocatedString? Action,
    string? DisplayName,
    string? Description,
    EquatableArray<LocatedString> DependsOn,
    EquatableArray<StepArgument> With,
    SourceSpan Span);

/// <summary>One entry of a step's <c>with:</c> map.</summary>
internal sealed record StepArgument(LocatedString Name, ArgumentValue Value);

/// <summary>The value side of a <c>with:</c> entry, kept as text until it is bound to a parameter type.</summary>
internal sealed record ArgumentValue(ArgumentValueKind Kind, string Text, SourceSpan Span)
{
    public string Describe() => Kind switch
    {
        ArgumentValueKind.Null => "null",
        ArgumentValueKind.List => "a list",
        ArgumentValueKind.Mapping => "a mapping",
        ArgumentValueKind.QuotedScalar => "\"" + Text + "\"",
        _ => "'" + Text + "'",
    };
}

internal enum ArgumentValueKind
{
    Null,
    PlainScalar,
    QuotedScalar,
    List,
    Mapping,
}
