using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>The generated type a workflow file will produce; two files may not claim the same one (WF0007).</summary>
/// <param name="WorkflowName">The definition name: <c>name</c>, or <c>name@N</c> for <c>version: N</c> above 1.</param>
/// <param name="Version">The <c>version:</c> as written (canonical), or null.</param>
internal sealed record TypeClaim(string FilePath, string WorkflowName, string Namespace, string ClassName, SourceSpan NameSpan, string? Version = null)
{
    public string FullName => Namespace + "." + ClassName;

    /// <summary>The claim of a document, or null when its name is missing or invalid (already reported).</summary>
    public static TypeClaim? For(WorkflowDocument document, string defaultNamespace)
    {
        if (document.Name is not { } name)
        {
            return null;
        }

        var pascal = Identifiers.ToPascalCase(name.Value);
        if (pascal.Length == 0)
        {
            return null;
        }

        var className = Versioning.WorkflowVersion.ClassName(pascal, document.Version?.Value);
        var ns = document.Namespace?.Value ?? defaultNamespace;
        return new TypeClaim(document.FilePath, document.DefinitionName!, ns, className, name.Span, document.Version?.Value);
    }
}
