using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>Actions from referenced assemblies: the types an assembly lists in [assembly: WorkflowActionTypes].</summary>
public sealed class ReferencedActionTests
{
    private const string Library = """
        using Workflows;

        [assembly: WorkflowActionTypes(typeof(Lib.Listed))]

        namespace Lib;

        public static class Listed
        {
            [WorkflowAction("lib.greet")]
            public static string Greet(string name) => "hello " + name;
        }

        public static class NotListed
        {
            [WorkflowAction("lib.hidden")]
            public static void Hidden() { }
        }
        """;

    private static MetadataReference CompileLibrary()
    {
        var library = WorkflowTestHost.CreateCompilation(Library).WithAssemblyName("Lib");
        Assert.Empty(library.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return library.ToMetadataReference();
    }

    [Fact]
    public void Listed_types_of_a_referenced_assembly_provide_actions()
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("g.workflow.yaml", "name: greet\nsteps:\n  - id: hi\n    action: lib.greet\n    with: { name: ada }\n") }, additionalReferences: new[] { CompileLibrary() });

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains("global::Lib.Listed.Greet(name: \"ada\")", result.GeneratedSource("GreetWorkflow.g.cs"));
    }

    [Fact]
    public void Types_not_listed_are_not_read()
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("g.workflow.yaml", "name: hidden\nsteps:\n  - id: h\n    action: lib.hidden\n") }, additionalReferences: new[] { CompileLibrary() });

        Assert.Equal("WF0003", Assert.Single(result.WorkflowDiagnostics).Id);
    }
}
