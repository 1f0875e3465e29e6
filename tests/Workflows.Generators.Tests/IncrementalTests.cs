using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>Edits must not redo work for workflows they do not touch.</summary>
public sealed class IncrementalTests
{
    private static readonly InMemoryAdditionalText s_first = new("first.workflow.yaml", "name: first\nsteps:\n  - id: a\n    action: build\n");
    private static readonly InMemoryAdditionalText s_second = new("second.workflow.yaml", "name: second\nsteps:\n  - id: a\n    action: deploy.test\n");

    [Fact]
    public void Editing_an_unrelated_cs_file_reuses_every_step()
    {
        var compilation = WorkflowTestHost.CreateCompilation(TestSources.Actions, "namespace TestApp; public class Unrelated { }");
        var driver = WorkflowTestHost.CreateDriver(new[] { s_first, s_second }).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.ElementAt(1),
            CSharpSyntaxTree.ParseText("namespace TestApp; public class Unrelated { public int X; }", (CSharpParseOptions)compilation.SyntaxTrees.First().Options, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(3, result.GeneratedSources.Length); // two executors and the registrations list
        Assert.All(Outputs(result, WorkflowGenerator.Steps.Documents), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Outputs(result, WorkflowGenerator.Steps.Actions), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Outputs(result, WorkflowGenerator.Steps.Specs), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Editing_one_workflow_leaves_the_other_cached()
    {
        var compilation = WorkflowTestHost.CreateCompilation(TestSources.Actions);
        var driver = WorkflowTestHost.CreateDriver(new[] { s_first, s_second }).RunGenerators(compilation);

        var editedSecond = new InMemoryAdditionalText("second.workflow.yaml", "name: second\nsteps:\n  - id: a\n    action: deploy.test\n    with: { count: 2 }\n");
        driver = driver.ReplaceAdditionalText(s_second, editedSecond);
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var documents = result.TrackedSteps[WorkflowGenerator.Steps.Documents];
        Assert.Equal(IncrementalStepRunReason.Cached, Reason(documents, "first.workflow.yaml"));
        Assert.Equal(IncrementalStepRunReason.Modified, Reason(documents, "second.workflow.yaml"));

        var specs = result.TrackedSteps[WorkflowGenerator.Steps.Specs]
            .Select(step => (Spec: (Model.WorkflowSpec?)step.Outputs.Single().Value, Reason: step.Outputs.Single().Reason))
            .ToList();
        Assert.Contains(specs, s => s.Spec!.WorkflowName == "first" && s.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Contains(specs, s => s.Spec!.WorkflowName == "second" && s.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("count: 2", result.GeneratedSources.Single(s => s.HintName.Contains("SecondWorkflow")).SourceText.ToString());
    }

    private static IncrementalStepRunReason Reason(ImmutableArray<IncrementalGeneratorRunStep> steps, string path)
        => steps.Single(s => ((Model.WorkflowDocument)s.Outputs.Single().Value).FilePath == path).Outputs.Single().Reason;

    private static IncrementalStepRunReason[] Outputs(GeneratorRunResult result, string step)
    {
        var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.NotEmpty(reasons);
        return reasons;
    }
}
