using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Actions;
using Workflows.Generators.Binding;
using Workflows.Generators.Common;
using Workflows.Generators.Emit;
using Workflows.Generators.Model;
using Workflows.Generators.Parsing;
using Workflows.Generators.Types;

namespace Workflows.Generators;

/// <summary>
/// Emits one executor class per valid workflow file. Reports nothing: <see cref="WorkflowAnalyzer"/> owns
/// the diagnostics. A workflow with errors gets a class whose members throw, marked <c>[Obsolete]</c> with its
/// first error (<see cref="InvalidSurfaceEmitter"/>), so the app's code that uses it adds no CS errors of its own;
/// a file that is not even readable YAML produces nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class WorkflowGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names, so tests can prove what is cached.</summary>
    internal static class Steps
    {
        public const string Documents = nameof(Documents);
        public const string Actions = nameof(Actions);
        public const string Claims = nameof(Claims);
        public const string InputTypes = nameof(InputTypes);
        public const string Specs = nameof(Specs);
        public const string CompositeSpecs = nameof(CompositeSpecs);
        public const string JsonContexts = nameof(JsonContexts);
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var documents = context.AdditionalTextsProvider
            .Where(static text => WorkflowDocumentParser.IsWorkflowFile(text.Path))
            .Select(static (text, cancellationToken) => WorkflowDocumentParser.Parse(text.Path, text.GetText(cancellationToken)?.ToString()))
            .WithTrackingName(Steps.Documents);

        var sourceActions = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ActionMethodReader.AttributeMetadataName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (context, _) => ReadAction(context))
            .Where(static action => action is not null)
            .Collect();

        // Referenced assemblies' actions (built-ins, shared libraries): re-read per compilation, but only the
        // types each assembly lists, and the result is data, so nothing downstream reruns unless it changed.
        var referencedActions = context.CompilationProvider
            .Select(static (compilation, _) => ReferencedActionReader.Read(compilation).Select(a => a.Spec).ToEquatableArray());

        var actions = sourceActions
            .Combine(referencedActions)
            .Select(static (pair, _) => new ActionCatalog(pair.Left.Select(a => a!).Concat(pair.Right)))
            .WithTrackingName(Steps.Actions);

        var defaultNamespace = context.AnalyzerConfigOptionsProvider
            .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName))
            .Select(static (pair, _) => DefaultNamespace(pair.Left.GlobalOptions, pair.Right));

        var claims = documents
            .Combine(defaultNamespace)
            .Select(static (pair, _) => TypeClaim.For(pair.Left, pair.Right))
            .Where(static claim => claim is not null)
            .Collect()
            .Select(static (claims, _) => claims.OrderBy(c => c!.FilePath, System.StringComparer.Ordinal).Select(c => c!).ToEquatableArray())
            .WithTrackingName(Steps.Claims);

        // Input types are looked up in the compilation; the result is data, so later steps stay cached.
        var inputTypes = documents
            .SelectMany(static (document, _) => WorkflowBinder.InputTypeNames(document))
            .Collect()
            .Combine(context.CompilationProvider)
            .Select(static (pair, _) => InputTypeResolver.Resolve(pair.Right, pair.Left))
            .WithTrackingName(Steps.InputTypes);

        // json_context classes, read from the compilation as data (their [JsonSerializable] types).
        var jsonContexts = documents
            .SelectMany(static (document, _) => WorkflowBinder.JsonContextNames(document))
            .Collect()
            .Combine(context.CompilationProvider)
            .Select(static (pair, _) => JsonContextResolver.Resolve(pair.Right, pair.Left))
            .WithTrackingName(Steps.JsonContexts);

        // Workflows that run no other workflow bind alone, so editing one rebinds only it.
        var simpleBindings = documents
            .Where(static document => !WorkflowBinder.RunsWorkflows(document))
            .Combine(actions)
            .Combine(inputTypes)
            .Combine(defaultNamespace)
            .Combine(claims)
            .Combine(jsonContexts)
            .Select(static (input, _) =>
            {
                var (((((document, catalog), types), ns), allClaims), contexts) = input;
                return WorkflowBinder.Bind(document, catalog, types, ns, allClaims, jsonContexts: contexts);
            });
        var simpleSpecs = simpleBindings
            .Select(static (binding, _) => binding.Spec)
            .WithTrackingName(Steps.Specs);
        var simpleSurfaces = simpleBindings.Select(static (binding, _) => binding.Surface);

        // Workflows that run others bind together, callees first, against the signatures of the simple ones:
        // those change only when a simple workflow's inputs, outputs or constructor do.
        var signatures = simpleBindings
            .Select(static (binding, _) => binding.Signature)
            .Where(static signature => signature is not null)
            .Collect()
            .Select(static (all, _) => all.Select(s => s!).OrderBy(s => s.FilePath, System.StringComparer.Ordinal).ToEquatableArray());
        var compositeBindings = documents
            .Where(static document => WorkflowBinder.RunsWorkflows(document))
            .Collect()
            .Select(static (all, _) => all.OrderBy(d => d.FilePath, System.StringComparer.Ordinal).ToEquatableArray())
            .Combine(signatures)
            .Combine(actions)
            .Combine(inputTypes)
            .Combine(defaultNamespace)
            .Combine(claims)
            .Combine(jsonContexts)
            .SelectMany(static (input, _) =>
            {
                var ((((((composites, known), catalog), types), ns), allClaims), contexts) = input;
                return composites.Count == 0
                    ? ImmutableArray<BindingResult>.Empty
                    : WorkflowSetBinder.Bind(composites, known, catalog, types, ns, allClaims, contexts).ToImmutableArray();
            });
        var compositeSpecs = compositeBindings
            .Select(static (binding, _) => binding.Spec)
            .WithTrackingName(Steps.CompositeSpecs);
        var compositeSurfaces = compositeBindings.Select(static (binding, _) => binding.Surface);

        // Docs are opt-in (WorkflowsDocsDirectory): the page rides in a comment that the package's targets copy out.
        var docsEnabled = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.WorkflowsDocsDirectory", out var directory) && !string.IsNullOrWhiteSpace(directory));
        RegisterOutputs(context, simpleSpecs, docsEnabled);
        RegisterOutputs(context, compositeSpecs, docsEnabled);
        RegisterSurfaces(context, simpleSurfaces);
        RegisterSurfaces(context, compositeSurfaces);

        // One list of every workflow's registration per project, for hosts: no assembly scanning.
        // With Workflows.Hosting referenced it also gets AddWorkflows(); with Workflows.CommandLine, RunCommandLineAsync;
        // with Workflows.AspNetCore, MapWorkflows().
        var support = context.CompilationProvider
            .Select(static (compilation, _) => new HostingSupport(
                compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.WorkflowServiceCollectionExtensions") is not null,
                compilation.GetTypeByMetadataName("Workflows.CommandLine.WorkflowCommandLine") is not null,
                compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.WorkflowEndpointRouteBuilderExtensions") is not null));
        // A workflow with errors is left out of the list, but still makes the list exist, so that the app's
        // AddWorkflows() or WorkflowRegistrations.All keep compiling while the file is being fixed.
        var anySurface = simpleSurfaces.Collect().Combine(compositeSurfaces.Collect())
            .Select(static (pair, _) => pair.Left.Any(s => s is not null) || pair.Right.Any(s => s is not null));
        var allSpecs = simpleSpecs.Collect().Combine(compositeSpecs.Collect()).Combine(defaultNamespace).Combine(support).Combine(anySurface)
            .Select(static (input, _) => (
                Specs: input.Left.Left.Left.Left.Concat(input.Left.Left.Left.Right).Where(s => s is not null).Select(s => s!).ToEquatableArray(),
                Namespace: input.Left.Left.Right,
                Support: input.Left.Right,
                AnySurface: input.Right));
        context.RegisterSourceOutput(allSpecs, static (context, input) =>
        {
            if (input.Specs.Count > 0 || input.AnySurface)
            {
                context.AddSource("WorkflowRegistrations.g.cs", RegistrationEmitter.EmitCatalog(input.Specs, input.Namespace, input.Support));
            }
        });

        // -p:WorkflowsAcceptVersions=true: the durable workflows' new Workflows.Shipped.txt, for the package's targets to copy out.
        var accepting = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.WorkflowsAcceptVersions", out var accept)
                && string.Equals(accept?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase));
        context.RegisterSourceOutput(allSpecs.Combine(accepting), static (context, input) =>
        {
            if (input.Right)
            {
                context.AddSource(Versioning.ShippedCarrier.HintName, Versioning.ShippedCarrier.Emit(input.Left.Specs));
            }
        });
    }

    private static void RegisterOutputs(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<WorkflowSpec?> specs, IncrementalValueProvider<bool> docsEnabled)
    {
        context.RegisterSourceOutput(specs, static (context, spec) =>
        {
            if (spec is not null)
            {
                context.AddSource(spec.HintName, ExecutorEmitter.Emit(spec));
            }
        });

        context.RegisterSourceOutput(specs.Combine(docsEnabled), static (context, pair) =>
        {
            if (pair.Left is { } spec && pair.Right)
            {
                context.AddSource(spec.Namespace + "." + spec.ClassName + ".Docs.g.cs", DocsWriter.WriteCarrier(spec));
            }
        });
    }

    private static void RegisterSurfaces(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<WorkflowSurfaceSpec?> surfaces)
    {
        context.RegisterSourceOutput(surfaces, static (context, surface) =>
        {
            if (surface is not null)
            {
                context.AddSource(surface.HintName, InvalidSurfaceEmitter.Emit(surface));
            }
        });
    }

    private static ActionSpec? ReadAction(GeneratorAttributeSyntaxContext context)
    {
        if (context.TargetSymbol is not IMethodSymbol method || context.Attributes.IsEmpty)
        {
            return null;
        }

        var name = ActionMethodReader.GetActionName(context.Attributes[0]);
        return name is null ? null : ActionMethodReader.Read(method, name);
    }

    /// <summary>The project's root namespace (made visible by the package's props), else the assembly name.</summary>
    internal static string DefaultNamespace(AnalyzerConfigOptions options, string? assemblyName)
        => Identifiers.SanitizeNamespace(
            options.TryGetValue("build_property.RootNamespace", out var rootNamespace) && !string.IsNullOrWhiteSpace(rootNamespace)
                ? rootNamespace
                : assemblyName);
}
