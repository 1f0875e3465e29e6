using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>Every diagnostic ID, at its exact line and column (1-based, as build output prints them).</summary>
public sealed class DiagnosticTests
{
    private static BuildResult Build(string yaml, string path = "flows/test.workflow.yaml")
        => WorkflowTestHost.Build(TestSources.Actions, (path, yaml));

    [Fact]
    public void Valid_workflow_has_no_diagnostics_and_its_generated_code_compiles()
    {
        var result = Build("""
            name: deploy-app
            steps:
              - id: test
                action: deploy.test
                with: { count: 3 }
              - id: push
                action: deploy.push
                depends_on: test
                with:
                  environment: dev
              - id: notify
                action: notify
                depends_on: [push]
                with: { message: "done" }
            """);

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.NotNull(result.GeneratedSource("TestApp.DeployAppWorkflow.g.cs"));
    }

    [Fact]
    public void WF0001_cycle_lists_the_path_at_the_entry_that_closes_it()
    {
        var result = Build("""
            name: cyclic
            steps:
              - id: a
                action: build
                depends_on: c
              - id: b
                action: build
                depends_on: a
              - id: c
                action: build
                depends_on: [b]
              - id: d
                action: build
            """);

        // c's entry is the last of the three in the file: reading top to bottom, it closes the cycle.
        var diagnostic = DiagnosticAssert.SingleError(result, "WF0001", 11, 18);
        Assert.Equal("Steps form a dependency cycle: c -> b -> a -> c. Remove one of these depends_on entries.", diagnostic.GetMessage());
        Assert.Empty(result.Executors);
    }

    [Fact]
    public void WF0001_step_depending_on_itself()
    {
        var result = Build("""
            name: selfish
            steps:
              - id: a
                action: build
                depends_on: a
            """);

        Assert.Contains("a -> a", DiagnosticAssert.SingleError(result, "WF0001", 5, 17).GetMessage());
    }

    [Fact]
    public void WF0002_unknown_dependency_suggests_the_closest_step()
    {
        var result = Build("""
            name: deps
            steps:
              - id: compile
                action: build
              - id: publish
                action: build
                depends_on: [compil]
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0002", 7, 18);
        Assert.Equal("Step 'publish' depends on 'compil', which is not a step of this workflow. Did you mean 'compile'?", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0003_unknown_action_suggests_the_closest_action()
    {
        var result = Build("""
            name: deploy
            steps:
              - id: push
                action: deploy.psuh
                with: { environment: dev }
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0003", 4, 13);
        Assert.Equal("Step 'push' uses unknown action 'deploy.psuh'. Did you mean 'deploy.push'?", diagnostic.GetMessage());
        Assert.Equal("flows/test.workflow.yaml", diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void WF0003_without_a_close_name_says_so()
    {
        var result = Build("""
            name: deploy
            steps:
              - id: push
                action: something.else.entirely
            """);

        Assert.EndsWith("No [WorkflowAction] method has this name.", DiagnosticAssert.SingleError(result, "WF0003", 4, 13).GetMessage());
    }

    [Fact]
    public void WF0003_is_not_followed_by_WF0111_for_reads_of_the_unknown_step()
    {
        var result = Build("""
            name: deploy
            steps:
              - id: push
                action: deploy.psuh
              - id: log
                action: deploy.push
                with:
                  environment: ${{ steps.push.output }}
            """);

        DiagnosticAssert.SingleError(result, "WF0003", 4, 13);
        Assert.Equal(new[] { "WF0003" }, result.WorkflowDiagnostics.Select(d => d.Id).ToArray());
    }

    [Fact]
    public void WF0004_duplicate_step_id()
    {
        var result = Build("""
            name: dupes
            steps:
              - id: build
                action: build
              - id: build
                action: build
            """);

        Assert.Equal("Step id 'build' is already used by the step on line 3. Step ids must be unique.", DiagnosticAssert.SingleError(result, "WF0004", 5, 9).GetMessage());
    }

    [Fact]
    public void WF0005_malformed_yaml_at_the_parser_position()
    {
        var result = Build("""
            name: broken
            steps:
              - id: a
                action: build
                with: { count: 1
              - id: b
            """);

        // At the '{' that is never closed, where the fix goes, not where the parser gave up.
        var diagnostic = DiagnosticAssert.SingleError(result, "WF0005", 5, 11);
        Assert.Equal("The workflow file is not well-formed YAML: the '{' on line 5, column 11 is never closed: add '}' after its last entry", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0005_malformed_json()
    {
        var result = Build("{\n  \"name\": \"j\",\n  \"steps\": [ { \"id\": \"a\" \"action\": \"build\" } ]\n}\n", "flows/j.workflow.json");

        var diagnostic = result.WorkflowDiagnostics.Single();
        Assert.Equal("WF0005", diagnostic.Id);
        Assert.Equal(3, diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.StartsWith("The workflow file is not well-formed JSON:", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0006_unknown_key_suggests_the_closest_key()
    {
        var result = Build("""
            name: keys
            steps:
              - id: a
                action: build
                depend_on: [b]
              - id: b
                action: build
            """);

        Assert.Equal("Unknown key 'depend_on' in a step. Did you mean 'depends_on'?", DiagnosticAssert.SingleError(result, "WF0006", 5, 5).GetMessage());
    }

    [Fact]
    public void WF0006_missing_action()
    {
        var result = Build("""
            name: keys
            steps:
              - id: lonely
            """);

        Assert.Contains("has no 'action'", DiagnosticAssert.SingleError(result, "WF0006", 3, 9).GetMessage());
    }

    [Fact]
    public void WF0006_missing_name_and_wrong_kind_of_steps()
    {
        var result = Build("""
            description: nothing here
            steps: 5
            """);

        var diagnostics = result.WorkflowDiagnostics.Where(d => d.Id == "WF0006").Select(d => d.GetMessage()).ToList();
        Assert.Contains(diagnostics, m => m.Contains("has no 'name'"));
        Assert.Contains(diagnostics, m => m == "'steps' must be a list of steps, not a scalar.");
    }

    [Fact]
    public void WF0006_duplicate_key()
    {
        var result = Build("""
            name: twice
            name: again
            steps:
              - id: a
                action: build
            """);

        Assert.Contains("appears twice", DiagnosticAssert.SingleError(result, "WF0006", 2, 1).GetMessage());
    }

    [Fact]
    public void WF0007_two_files_generate_the_same_type()
    {
        const string yaml = """
            name: same-name
            steps:
              - id: a
                action: build
            """;
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("one.workflow.yaml", yaml), ("two.workflow.yml", "\n" + yaml) });

        var diagnostics = result.WorkflowDiagnostics.Where(d => d.Id == "WF0007").OrderBy(d => d.Location.GetLineSpan().Path).ToList();
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal("Workflow 'same-name' generates type 'TestApp.SameNameWorkflow', which 'two.workflow.yml' generates too. Give one of them another name: or namespace:.", diagnostics[0].GetMessage());
        Assert.Equal(2, diagnostics[1].Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Empty(result.Executors);
    }

    [Fact]
    public void WF0008_invalid_action_methods_are_reported_on_the_method()
    {
        const string source = """
            using Workflows;
            namespace TestApp;
            public static class Bad
            {
                [WorkflowAction("generic")]
                public static void Generic<T>() { }

                [WorkflowAction("twice")]
                public static void First() { }

                [WorkflowAction("twice")]
                public static void Second() { }

                [WorkflowAction("by-ref")]
                public static void ByRef(ref int value) { }

                [WorkflowAction("hidden")]
                private static void Hidden() { }
            }
            """;
        var result = WorkflowTestHost.Build(new[] { source }, System.Array.Empty<(string, string)>());

        var diagnostics = result.WorkflowDiagnostics.Where(d => d.Id == "WF0008").OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Empty(result.AnalyzerExceptions);
        Assert.Equal(5, diagnostics.Count);
        Assert.Equal(5, diagnostics[0].Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Contains("generic methods cannot be actions", diagnostics[0].GetMessage());
        Assert.Contains("'Bad.Second' uses the same action name", diagnostics[1].GetMessage());
        Assert.Contains("'Bad.First' uses the same action name", diagnostics[2].GetMessage());
        Assert.Contains("passed by reference", diagnostics[3].GetMessage());
        Assert.Contains("must be public or internal", diagnostics[4].GetMessage());
    }

    [Fact]
    public void WF0008_workflow_using_an_invalid_action_reports_nothing_more_and_generates_nothing()
    {
        const string source = """
            using Workflows;
            namespace TestApp;
            public static class Bad
            {
                [WorkflowAction("generic")]
                public static void Generic<T>() { }
            }
            """;
        var result = WorkflowTestHost.Build(new[] { source }, new[] { ("w.workflow.yaml", "name: w\nsteps:\n  - id: a\n    action: generic\n") });

        Assert.Equal(new[] { "WF0008" }, result.WorkflowDiagnostics.Select(d => d.Id));
        Assert.Empty(result.Executors);
    }

    [Fact]
    public void WF0009_invalid_step_id_and_namespace()
    {
        var result = Build("""
            name: names
            namespace: 1Bad.Namespace
            steps:
              - id: "my step"
                action: build
            """);

        var diagnostics = result.WorkflowDiagnostics.Where(d => d.Id == "WF0009").OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal("'1Bad.Namespace' is not a valid namespace: use dot-separated C# identifiers, for example 'MyCompany.Orders'", diagnostics[0].GetMessage());
        Assert.Equal((2, 12), (diagnostics[0].Location.GetLineSpan().StartLinePosition.Line + 1, diagnostics[0].Location.GetLineSpan().StartLinePosition.Character + 1));
        Assert.Equal((4, 9), (diagnostics[1].Location.GetLineSpan().StartLinePosition.Line + 1, diagnostics[1].Location.GetLineSpan().StartLinePosition.Character + 1));
    }

    [Fact]
    public void WF0010_unknown_parameter_suggests_the_closest_one()
    {
        var result = Build("""
            name: params
            steps:
              - id: push
                action: deploy.push
                with:
                  enviroment: dev
            """);

        Assert.Equal("Step 'push': action 'deploy.push' has no parameter 'enviroment'. Did you mean 'environment'?", DiagnosticAssert.SingleError(result, "WF0010", 6, 7).GetMessage());
        Assert.DoesNotContain(result.WorkflowDiagnostics, d => d.Id == "WF0011");
    }

    [Fact]
    public void WF0011_missing_required_parameter()
    {
        var result = Build("""
            name: params
            steps:
              - id: push
                action: deploy.push
            """);

        Assert.Equal("Step 'push': action 'deploy.push' needs a value for parameter 'environment' (string). Add it under with:.", DiagnosticAssert.SingleError(result, "WF0011", 4, 13).GetMessage());
    }

    [Theory]
    [InlineData("number: abc", "'abc' is not a valid value for parameter 'number' of type 'int'; write a whole number")]
    [InlineData("number: \"5\"", "\"5\" is not a valid value for parameter 'number' of type 'int'; a quoted value is a string: write the number without quotes")]
    [InlineData("number: 3000000000", "'3000000000' is not a valid value for parameter 'number' of type 'int'; it must lie between -2147483648 and 2147483647")]
    [InlineData("flag: yes", "'yes' is not a valid value for parameter 'flag' of type 'bool'; write true or false")]
    [InlineData("letter: ab", "'ab' is not a valid value for parameter 'letter' of type 'char'; write exactly one character")]
    [InlineData("color: Blue", "'Blue' is not a valid value for parameter 'color' of type 'Color'; use one of: Red, Green")]
    [InlineData("ratio: [1, 2]", "a list is not a valid value for parameter 'ratio' of type 'double'; write a single value")]
    [InlineData("big: ~", "null is not a valid value for parameter 'big' of type 'long'; the parameter does not accept null (declare it as 'long?' to allow it)")]
    public void WF0012_value_does_not_fit_the_parameter_type(string entry, string message)
    {
        var values = new[] { "number: 1", "flag: true", "ratio: 0.5", "amount: 1.25", "text: hi", "letter: x", "color: red", "big: 9000000000" }
            .Where(v => v.Split(':')[0] != entry.Split(':')[0]);
        var yaml = "name: typed\nsteps:\n  - id: t\n    action: typed\n    with:\n      " + entry + "\n" + string.Concat(values.Select(v => "      " + v + "\n"));

        Assert.Equal("Step 't': " + message, DiagnosticAssert.SingleError(Build(yaml), "WF0012", 6, entry.IndexOf(':') + 9).GetMessage());
    }

    [Fact]
    public void WF0013_input_defaults_are_literals()
    {
        var result = Build("""
            name: expr
            inputs:
              env: { type: string, default: "${{ inputs.other }}" }
            steps:
              - id: push
                action: deploy.push
                with: { environment: prod }
            """);

        Assert.Equal("The default of input 'env' cannot use a ${{ }} expression: defaults are literals", DiagnosticAssert.SingleError(result, "WF0013", 3, 33).GetMessage());
    }

    [Fact]
    public void All_literal_kinds_bind_and_compile()
    {
        var result = Build("""
            name: typed
            steps:
              - id: t
                action: typed
                with:
                  number: -42
                  flag: TRUE
                  ratio: 1.5e3
                  amount: 19.99
                  text: ~
                  letter: "'"
                  color: green
                  big: 9000000000
                  maybe: 7
            """);

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var source = result.GeneratedSource("TypedWorkflow.g.cs")!;
        Assert.Contains("number: (-42), flag: true, ratio: 1500D, amount: 19.99M, text: null, letter: '\\'', color: global::TestApp.Color.Green, big: 9000000000L, maybe: 7", source);
    }

    [Fact]
    public void Json_workflows_use_the_same_schema()
    {
        var result = Build("{\n\t\"name\": \"from-json\",\n\t\"steps\": [\n\t\t{ \"id\": \"a\", \"action\": \"deploy.test\", \"with\": { \"count\": 2 } }\n\t]\n}\n", "flows/j.workflow.json");

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.NotNull(result.GeneratedSource("TestApp.FromJsonWorkflow.g.cs"));
    }

    [Fact]
    public void Namespace_falls_back_from_yaml_to_root_namespace_to_assembly_name()
    {
        const string yaml = "name: ns\nsteps:\n  - id: a\n    action: build\n";
        var explicitNs = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("a.workflow.yaml", "namespace: My.Flows\n" + yaml) });
        var rootNs = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("a.workflow.yaml", yaml) }, rootNamespace: "Company.Product");
        var assemblyName = WorkflowTestHost.Build(new[] { TestSources.Actions }, new[] { ("a.workflow.yaml", yaml) }, rootNamespace: null);

        Assert.NotNull(explicitNs.GeneratedSource("My.Flows.NsWorkflow.g.cs"));
        Assert.NotNull(rootNs.GeneratedSource("Company.Product.NsWorkflow.g.cs"));
        Assert.NotNull(assemblyName.GeneratedSource("TestApp.NsWorkflow.g.cs"));
    }

    [Fact]
    public void Snake_case_keys_bind_camel_case_parameters()
    {
        var result = Build("name: fetch\nsteps:\n  - id: f\n    action: fetch\n    with: { order_id: A-1 }\n");

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Contains("orderId: \"A-1\"", result.GeneratedSource("FetchWorkflow.g.cs"));
    }
}
