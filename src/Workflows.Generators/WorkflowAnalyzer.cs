using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Actions;
using Workflows.Generators.Binding;
using Workflows.Generators.Model;
using Workflows.Generators.Parsing;

namespace Workflows.Generators;

/// <summary>
/// Reports every workflow diagnostic: problems in workflow files at their line and column, and invalid
/// <c>[WorkflowAction]</c> methods at the method. Runs live in the IDE and in <c>dotnet build</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkflowAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = DiagnosticDescriptors.All.ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private static void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        var attributeType = context.Compilation.GetTypeByMetadataName(ActionMethodReader.AttributeMetadataName);
        var compilation = context.Compilation;
        var options = context.Options;

        // Both computed once per compilation, on first use, and shared by every callback.
        var actions = new Lazy<IReadOnlyList<(IMethodSymbol Method, ActionSpec Spec)>>(
            () => FindActions(compilation, attributeType).Concat(ReferencedActionReader.Read(compilation)).ToList());
        var workflows = new Lazy<Dictionary<string, ImmutableArray<Diagnostic>>>(() => AnalyzeWorkflows(compilation, options, actions.Value));

        context.RegisterAdditionalFileAction(fileContext =>
        {
            if (workflows.Value.TryGetValue(fileContext.AdditionalFile.Path, out var diagnostics))
            {
                foreach (var diagnostic in diagnostics)
                {
                    fileContext.ReportDiagnostic(diagnostic);
                }
            }
        });

        if (attributeType is not null)
        {
            context.RegisterSymbolAction(symbolContext => AnalyzeActionMethod(symbolContext, attributeType, actions.Value), SymbolKind.Method);
        }
    }

    private static void AnalyzeActionMethod(SymbolAnalysisContext context, INamedTypeSymbol attributeType, IReadOnlyList<(IMethodSymbol Method, ActionSpec Spec)> actions)
    {
        var method = (IMethodSymbol)context.Symbol;
        var attribute = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute is null || ActionMethodReader.GetActionName(attribute) is not { } name)
        {
            return;
        }

        var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? method.Locations.FirstOrDefault();
        var spec = ActionMethodReader.Read(method, name);
        if (spec.Error is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidActionMethod, location, name, spec.MethodDisplay, spec.Error));
            return;
        }

        var other = actions.FirstOrDefault(a => a.Spec.Name == name && !SymbolEqualityComparer.Default.Equals(a.Method, method));
        if (other.Method is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidActionMethod, location, name, spec.MethodDisplay,
                $"'{other.Spec.MethodDisplay}' uses the same action name; action names must be unique"));
        }
    }

    private static List<(IMethodSymbol, ActionSpec)> FindActions(Compilation compilation, INamedTypeSymbol? attributeType)
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

    private static Dictionary<string, ImmutableArray<Diagnostic>> AnalyzeWorkflows(
        Compilation compilation,
        AnalyzerOptions options,
        IReadOnlyList<(IMethodSymbol Method, ActionSpec Spec)> actions)
    {
        var catalog = new ActionCatalog(actions.Select(a => a.Spec));
        var defaultNamespace = WorkflowGenerator.DefaultNamespace(options.AnalyzerConfigOptionsProvider.GlobalOptions, compilation.AssemblyName);

        var documents = options.AdditionalFiles
            .Where(file => WorkflowDocumentParser.IsWorkflowFile(file.Path))
            .Select(file => WorkflowDocumentParser.Parse(file.Path, file.GetText(CancellationToken.None)?.ToString()))
            .ToList();
        var inputTypes = Types.InputTypeResolver.Resolve(compilation, documents.SelectMany(WorkflowBinder.InputTypeNames));
        var claims = documents
            .Select(d => TypeClaim.For(d, defaultNamespace))
            .Where(c => c is not null)
            .Select(c => c!)
            .OrderBy(c => c.FilePath, StringComparer.Ordinal)
            .ToList();

        var result = new Dictionary<string, ImmutableArray<Diagnostic>>(StringComparer.Ordinal);
        var jsonContexts = Types.JsonContextResolver.Resolve(compilation, documents.SelectMany(WorkflowBinder.JsonContextNames));
        var bindings = WorkflowSetBinder.Bind(documents, Enumerable.Empty<WorkflowSignature>(), catalog, inputTypes, defaultNamespace, claims, jsonContexts);
        for (var i = 0; i < documents.Count; i++)
        {
            result[documents[i].FilePath] = bindings[i].Diagnostics.Select(d => d.ToDiagnostic()).ToImmutableArray();
        }

        return result;
    }
}
