using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>The generated type a workflow file will produce; two files may not claim the same one (WF0007).</summary>
internal sealed record TypeClaim(string FilePath, string WorkflowName, string Namespace, string ClassName, SourceSpan NameSpan)
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
        return new TypeClaim(document.FilePath, document.DefinitionName!, ns, className, name.Span);
    }
}
