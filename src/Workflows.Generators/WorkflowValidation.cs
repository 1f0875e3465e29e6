using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Actions;
using Workflows.Generators.Binding;
using Workflows.Generators.Model;
using Workflows.Generators.Parsing;

namespace Workflows.Generators;

/// <summary>
/// The one way workflow files are checked: <see cref="WorkflowAnalyzer"/> calls it for the workflow files of a
/// build, and the standalone <c>workflows validate</c> tool calls it for files on disk against a compilation
/// made of reference assemblies, so the two report exactly the same problems.
/// </summary>
internal static class WorkflowValidation
{
    /// <summary>
    /// Every <c>[WorkflowAction]</c> method the compilation can see: declared in its own source, and listed by
    /// <c>[assembly: WorkflowActionTypes(...)]</c> in its referenced assemblies.
    /// </summary>
    public static List<(IMethodSymbol Method, ActionSpec Spec)> FindActions(Compilation compilation)
    {
        var attributeType = compilation.GetTypeByMetadataName(ActionMethodReader.AttributeMetadataName);
        var result = FindSourceActions(compilation, attributeType);
        result.AddRange(ReferencedActionReader.Read(compilation));
        return result;
    }

    /// <summary>Checks workflow files together (a file may run the workflow of another).</summary>
    /// <param name="files">The files: their path (used in diagnostics) and text (null reads as empty).</param>
    /// <param name="compilation">Where input types, JSON contexts and (unless given) actions are looked up.</param>
    /// <param name="defaultNamespace">The namespace of workflows without <c>namespace:</c>.</param>
    /// <param name="actions">The actions to check steps against; by default <see cref="FindActions"/>.</param>
    /// <param name="cache">What an earlier call for the same project left (the analyzer's); null to compute everything.</param>
    /// <param name="shipped">The project's <c>Workflows.Shipped.txt</c>, to compare durable workflows with; null when it has none.</param>
    /// <param name="shippedDiagnostics">Receives the diagnostics that belong to the shipped file itself.</param>
    /// <returns>The diagnostics of each file, in the order the files were given.</returns>
    public static IReadOnlyList<DiagnosticInfo>[] Validate(
        IReadOnlyList<(string Path, string? Text)> files,
        Compilation compilation,
        string defaultNamespace,
        IEnumerable<ActionSpec>? actions = null,
        ValidationCache? cache = null,
        (string Path, string? Text)? shipped = null,
        List<DiagnosticInfo>? shippedDiagnostics = null)
    {
        var catalog = new ActionCatalog(actions ?? FindActions(compilation).Select(a => a.Spec));
        var documents = cache?.Parse(files) ?? files
            .Select(file => WorkflowDocumentParser.Parse(file.Path, file.Text))
            .ToList();
        var inputTypes = Types.InputTypeResolver.Resolve(compilation, documents.SelectMany(WorkflowBinder.InputTypeNames));
        var claims = documents
            .Select(d => TypeClaim.For(d, defaultNamespace))
            .Where(c => c is not null)
            .Select(c => c!)
            .OrderBy(c => c.FilePath, StringComparer.Ordinal)
            .ToList();
        var jsonContexts = Types.JsonContextResolver.Resolve(compilation, documents.SelectMany(WorkflowBinder.JsonContextNames));
        var bindings = WorkflowSetBinder.Bind(documents, Enumerable.Empty<WorkflowSignature>(), catalog, inputTypes, defaultNamespace, claims, jsonContexts, cache?.Bindings);
        var result = bindings.Select(b => b.Diagnostics.ToList()).ToArray();
        if (shipped is { } file)
        {
            // Opt-in: without the file nothing is compared. Each finding goes to the file it points into.
            var findings = Versioning.VersionChecker.Check(Versioning.ShippedFile.Parse(file.Path, file.Text), documents, bindings.Select(b => b.Spec).ToList());
            foreach (var finding in findings)
            {
                var index = documents.FindIndex(d => d.FilePath == finding.Span.FilePath);
                (index >= 0 ? result[index] : shippedDiagnostics)?.Add(finding);
            }
        }

        return result.Select(r => (IReadOnlyList<DiagnosticInfo>)r).ToArray();
    }

    private static List<(IMethodSymbol, ActionSpec)> FindSourceActions(Compilation compilation, INamedTypeSymbol? attributeType)
    {
        var result = new List<(IMethodSymbol, ActionSpec)>();
        if (attributeType is null)
        {
            return result;
        }

        var types = new Stack<INamespaceOrTypeSymbol>();
        types.Push(compilation.Assembly.GlobalNamespace);
        while (types.Count > 0)
        {
            var container = types.Pop();
            foreach (var member in container.GetMembers())
            {
                switch (member)
                {
                    case INamespaceOrTypeSymbol nested:
                        types.Push(nested);
                        break;
                    case IMethodSymbol method:
                        foreach (var attribute in method.GetAttributes())
                        {
                            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType)
                                && ActionMethodReader.GetActionName(attribute) is { } name)
                            {
                                result.Add((method, ActionMethodReader.Read(method, name)));
                            }
                        }

                        break;
                }
            }
        }

        return result;
    }
}
