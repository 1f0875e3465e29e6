using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Actions;
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
            () => WorkflowValidation.FindActions(compilation));
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

    private static Dictionary<string, ImmutableArray<Diagnostic>> AnalyzeWorkflows(
        Compilation compilation,
        AnalyzerOptions options,
        IReadOnlyList<(IMethodSymbol Method, ActionSpec Spec)> actions)
    {
        var defaultNamespace = WorkflowGenerator.DefaultNamespace(options.AnalyzerConfigOptionsProvider.GlobalOptions, compilation.AssemblyName);
        var files = options.AdditionalFiles
            .Where(file => WorkflowDocumentParser.IsWorkflowFile(file.Path))
            .Select(file => (file.Path, file.GetText(CancellationToken.None)?.ToString()))
            .ToList();

        // Durable workflows are compared with the project's Workflows.Shipped.txt, if it has one, unless this build rewrites it.
        var shippedFile = options.AdditionalFiles.FirstOrDefault(file => Versioning.ShippedFile.IsShippedFile(file.Path));
        var accepting = options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue("build_property.WorkflowsAcceptVersions", out var accept)
            && string.Equals(accept?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        (string Path, string? Text)? shipped = shippedFile is null || accepting ? null : (shippedFile.Path, shippedFile.GetText(CancellationToken.None)?.ToString());
        var shippedDiagnostics = new List<DiagnosticInfo>();

        // The same entry point as the standalone validator, so a build and 'workflows validate' never disagree.
        var diagnostics = WorkflowValidation.Validate(files, compilation, defaultNamespace, actions.Select(a => a.Spec), ValidationCache.For(compilation.AssemblyName), shipped, shippedDiagnostics);
        var result = new Dictionary<string, ImmutableArray<Diagnostic>>(StringComparer.Ordinal);
        if (shipped is { } read)
        {
            result[read.Path] = shippedDiagnostics.Select(d => d.ToDiagnostic()).ToImmutableArray();
        }

        for (var i = 0; i < files.Count; i++)
        {
            result[files[i].Path] = diagnostics[i].Select(d => d.ToDiagnostic()).ToImmutableArray();
        }

        return result;
    }
}
