using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>WF04xx, each with its risky form (reported at the value) and its safe form (no diagnostic).</summary>
public sealed class SecurityDiagnosticTests
{
    private static BuildResult Build(string yaml) => WorkflowTestHost.Build(TestSources.Actions, ("flows/test.workflow.yaml", yaml));

    private static Diagnostic Single(BuildResult result, string id, int line, int column, DiagnosticSeverity severity)
    {
        Assert.Empty(result.AnalyzerExceptions);
        var matching = result.WorkflowDiagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got: {string.Join("; ", result.WorkflowDiagnostics)}");
        var position = matching[0].Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (position.Line + 1, position.Character + 1));
        Assert.Equal(severity, matching[0].Severity);
        return matching[0];
    }

    private static void Clean(BuildResult result)
    {
        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void WF0401_an_expression_inside_a_shell_command()
    {
        var result = Build("""
            name: inject
            inputs:
              branch: string
            steps:
              - id: checkout
                action: process.run
                with:
                  shell: bash
                  command: "git checkout ${{ inputs.branch }}"
            """);

        var diagnostic = Single(result, "WF0401", 9, 16, DiagnosticSeverity.Error);
        Assert.Contains("Pass it as an argument (args: [...], read as $1) or in environment:", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0401_safe_form_passes_the_value_as_an_argument()
    {
        Clean(Build("""
            name: no-inject
            inputs:
              branch: string
            steps:
              - id: checkout
                action: process.run
                with:
                  shell: bash
                  command: git checkout "$1"
                  args: ["${{ inputs.branch }}"]
              - id: direct
                action: process.run
                with: { command: git, args: [checkout, "${{ inputs.branch }}"] }
            """));
    }

    [Theory]
    [InlineData("password: hunter2hunter2", 7, 17)]
    [InlineData("api_key: abcdef123456", 7, 16)]
    [InlineData("note: ghp_abcdefghijklmnopqrstuvwxyz0123", 7, 13)]
    public void WF0402_a_credential_written_as_a_literal(string entry, int line, int column)
    {
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, """
            namespace TestApp
            {
                public static class Login
                {
                    [Workflows.WorkflowAction("login")]
                    public static void Run(string user, string? password = null, string? apiKey = null, string? note = null) { }
                }
            }
            """ }, new[] { ("flows/test.workflow.yaml", $$"""
            name: creds
            steps:
              - id: login
                action: login
                with:
                  user: admin
                  {{entry}}
            """) });

        var diagnostic = Single(result, "WF0402", line, column, DiagnosticSeverity.Error);
        Assert.Contains("Use ${{ secrets.NAME }} instead.", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0402_an_authorization_header_literal_and_the_safe_form()
    {
        var risky = Build("""
            name: header
            steps:
              - id: call
                action: http.get
                with:
                  url: https://api.example.com/items
                  headers: { Authorization: "Bearer abcdefghijklmnop" }
            """);
        Single(risky, "WF0402", 7, 33, DiagnosticSeverity.Error);

        Clean(Build("""
            name: header
            steps:
              - id: call
                action: http.get
                with:
                  url: https://api.example.com/items
                  headers: { Authorization: "Bearer ${{ secrets.API_TOKEN }}" }
            """));
    }

    [Fact]
    public void WF0403_plain_http_to_a_remote_host_is_a_warning_and_loopback_is_fine()
    {
        var result = Build("""
            name: plain
            steps:
              - id: remote
                action: http.get
                with: { url: "http://api.example.com/items" }
              - id: local
                action: http.get
                with: { url: "http://127.0.0.1:8080/health" }
              - id: named-local
                action: http.get
                with: { url: "http://localhost/health" }
            """);

        var diagnostic = Single(result, "WF0403", 5, 18, DiagnosticSeverity.Warning);
        Assert.Contains("http://api.example.com unencrypted", diagnostic.GetMessage());
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void WF0404_file_paths_that_are_absolute_or_climb_are_warnings()
    {
        var result = Build("""
            name: paths
            steps:
              - id: absolute
                action: file.read
                with: { path: /etc/passwd }
              - id: climb
                action: file.copy
                depends_on: absolute
                with: { source: data/in.txt, destination: ../out.txt }
              - id: fine
                action: file.read
                depends_on: climb
                with: { path: data/in.txt }
            """);

        var found = result.WorkflowDiagnostics.Where(d => d.Id == "WF0404")
            .Select(d => (d.Location.GetLineSpan().StartLinePosition.Line + 1, d.Location.GetLineSpan().StartLinePosition.Character + 1, d.Severity, d.GetMessage().Contains("is absolute")))
            .ToList();
        Assert.Equal(new[] { (5, 19, DiagnosticSeverity.Warning, true), (9, 47, DiagnosticSeverity.Warning, false) }, found);
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void WF0405_a_secret_into_the_log_or_an_output_is_a_warning()
    {
        var result = Build("""
            name: leaky
            inputs:
              user: string
            outputs:
              login: "${{ inputs.user }}:${{ secrets.PASSWORD }}"
            steps:
              - id: tell
                action: log
                with: { message: "token is ${{ secrets.API_TOKEN }}" }
            """);

        Assert.Equal(2, result.WorkflowDiagnostics.Count(d => d.Id == "WF0405"));
        var log = result.WorkflowDiagnostics.Single(d => d.Id == "WF0405" && d.GetMessage().StartsWith("Step 'tell'", System.StringComparison.Ordinal));
        Assert.Equal((9, 22), (log.Location.GetLineSpan().StartLinePosition.Line + 1, log.Location.GetLineSpan().StartLinePosition.Character + 1));
        Assert.Equal(DiagnosticSeverity.Warning, log.Severity);
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void Lists_and_mappings_bind_collection_parameters_item_by_item()
    {
        var result = Build("""
            name: lists
            inputs:
              name: { type: string, required: true }
            steps:
              - id: run
                action: process.run
                with:
                  command: echo
                  args: [hello, "${{ inputs.name }}", 42]
                  environment: { GREETING: hi, WHO: "${{ inputs.name }}" }
              - id: empty
                action: process.run
                with: { command: "true", args: [] }
            """);

        Clean(result);
        var source = result.GeneratedSource("TestApp.ListsWorkflow.g.cs")!;
        Assert.Contains("args: new string[] { \"hello\", (inputs.Name!), \"42\" }", source);
        Assert.Contains("environment: new global::System.Collections.Generic.Dictionary<string, string>(global::System.StringComparer.Ordinal) { [\"GREETING\"] = \"hi\", [\"WHO\"] = (inputs.Name!) }", source);
        Assert.Contains("args: global::System.Array.Empty<string>()", source);
    }

    [Fact]
    public void A_list_for_a_single_value_and_a_nested_list_are_WF0012()
    {
        var result = Build("""
            name: wrong-shapes
            steps:
              - id: run
                action: process.run
                with:
                  command: [echo, hi]
                  args: [[nested]]
            """);

        var found = result.WorkflowDiagnostics.Where(d => d.Id == "WF0012")
            .Select(d => (d.Location.GetLineSpan().StartLinePosition.Line + 1, d.Location.GetLineSpan().StartLinePosition.Character + 1, d.GetMessage()))
            .ToList();
        Assert.Equal(2, found.Count);
        Assert.Equal((6, 16), (found[0].Item1, found[0].Item2));
        Assert.EndsWith("write a single value", found[0].Item3);
        Assert.Equal((7, 14), (found[1].Item1, found[1].Item2));
        Assert.EndsWith("items must be single values, not lists or mappings", found[1].Item3);
    }
    [Fact]
    public void A_step_read_inside_a_list_item_is_a_dependency()
    {
        var result = Build("""
            name: list-dependency
            steps:
              - id: fetch
                action: fetch
                with: { order_id: o-1 }
              - id: run
                action: process.run
                with: { command: echo, args: ["${{ steps.fetch.output }}"], environment: { X: "${{ steps.fetch.output }}" } }
            """);

        Clean(result);
        Assert.Contains("new global::Workflows.WorkflowStepDescriptor(\"run\", \"process.run\", new string[] { \"fetch\" })", result.GeneratedSource("TestApp.ListDependencyWorkflow.g.cs"));
    }
}
