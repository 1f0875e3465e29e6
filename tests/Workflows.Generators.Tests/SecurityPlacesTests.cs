using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// Every WF04xx check in every place a workflow calls an action (a step, a compensation, an on_failure step):
/// the cases are generated, check × place, and each is reported once, at the risky value.
/// </summary>
public sealed class SecurityPlacesTests
{
    /// <summary>A risky call: the action, its with: lines (the risky value is <see cref="Marker"/>), and the diagnostic.</summary>
    public sealed record Check(string Id, string Action, string[] With, string Marker, DiagnosticSeverity Severity);

    private static readonly Check[] s_checks =
    {
        new("WF0401", "process.run", new[] { "shell: bash", "command: \"echo ${{ inputs.branch }}\"" }, "\"echo ${{ inputs.branch }}\"", DiagnosticSeverity.Error),
        new("WF0402", "http.get", new[] { "url: https://api.example.com/items", "headers: { Authorization: \"Bearer abcdefghijklmnop\" }" }, "\"Bearer abcdefghijklmnop\"", DiagnosticSeverity.Error),
        new("WF0403", "http.get", new[] { "url: \"http://api.example.com/items\"" }, "\"http://api.example.com/items\"", DiagnosticSeverity.Warning),
        new("WF0404", "file.read", new[] { "path: /etc/passwd" }, "/etc/passwd", DiagnosticSeverity.Warning),
        new("WF0405", "log", new[] { "message: \"token ${{ secrets.API_TOKEN }}\"" }, "\"token ${{ secrets.API_TOKEN }}\"", DiagnosticSeverity.Warning),
    };

    /// <summary>Each place, as a function of the call's action and with: lines; and the label messages give it.</summary>
    private static readonly (string Place, string Label, Func<Check, string> Workflow)[] s_places =
    {
        ("step", "call", check => $"""
            name: places
            inputs:
              branch: string
            steps:
              - id: call
                action: {check.Action}
                with:
            {Indent(check.With, 6)}
            """),
        ("compensate", "work (compensate)", check => $"""
            name: places
            inputs:
              branch: string
            steps:
              - id: work
                action: build
                compensate:
                  action: {check.Action}
                  with:
            {Indent(check.With, 8)}
            """),
        ("on_failure", "call (on_failure)", check => $"""
            name: places
            inputs:
              branch: string
            steps:
              - id: work
                action: build
            on_failure:
              - id: call
                action: {check.Action}
                with:
            {Indent(check.With, 6)}
            """),
    };

    public static IEnumerable<object[]> Cases()
        => from check in s_checks from place in s_places select new object[] { check.Id, place.Place };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_check_runs_in_every_place_an_action_is_called(string id, string placeName)
    {
        var check = s_checks.Single(c => c.Id == id);
        var place = s_places.Single(p => p.Place == placeName);
        var yaml = place.Workflow(check);
        var result = WorkflowTestHost.Build(TestSources.Actions, ("flows/places.workflow.yaml", yaml));

        Assert.Empty(result.AnalyzerExceptions);
        var security = result.WorkflowDiagnostics.Where(d => d.Id.StartsWith("WF04", StringComparison.Ordinal)).ToList();
        var diagnostic = Assert.Single(security);
        Assert.Equal(check.Id, diagnostic.Id);
        Assert.Equal(check.Severity, diagnostic.Severity);
        Assert.Equal(PositionOf(yaml, check.Marker), Position(diagnostic));
        Assert.Contains("'" + place.Label + "'", diagnostic.GetMessage());

        // Nothing else is wrong with the file: the check is the only reason it is reported.
        Assert.Empty(result.WorkflowDiagnostics.Where(d => !d.Id.StartsWith("WF04", StringComparison.Ordinal)));
    }

    /// <summary>The issue's case: a compensation that runs a shell with a step's output in its command.</summary>
    [Fact]
    public void A_compensation_building_a_shell_command_from_a_step_output_is_WF0401()
    {
        var yaml = """
            name: undo
            steps:
              - id: reserve
                action: process.run
                with: { command: echo, args: [reserved] }
                compensate:
                  action: process.run
                  with:
                    shell: bash
                    command: "release ${{ steps.reserve.output.StandardOutput }}"
            """;
        var result = WorkflowTestHost.Build(TestSources.Actions, ("flows/undo.workflow.yaml", yaml));

        var diagnostic = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0401");
        Assert.Equal(PositionOf(yaml, "\"release ${{"), Position(diagnostic));
        Assert.StartsWith("Step 'reserve (compensate)' builds a bash command", diagnostic.GetMessage());
    }

    private const string Context = """
        namespace TestApp
        {
            [System.Text.Json.Serialization.JsonSerializable(typeof(string))]
            public sealed partial class PlacesJson : System.Text.Json.Serialization.JsonSerializerContext
            {
                public PlacesJson() : base(null) { }
                public static PlacesJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }
        }
        """;

    /// <summary>
    /// WF0405 for a secret passed to a step whose output a durable run stores: only when the workflow can run
    /// durably (json_context), the step returns a value and it is a step (compensations' results are not kept).
    /// </summary>
    [Theory]
    [InlineData(true, "process.run", "{ command: printenv, environment: { TOKEN: \"${{ secrets.API_TOKEN }}\" } }", true)]
    [InlineData(true, "fetch", "{ order_id: \"${{ secrets.API_TOKEN }}\" }", true)]
    [InlineData(true, "deploy.push", "{ environment: \"${{ secrets.API_TOKEN }}\" }", false)]
    [InlineData(false, "process.run", "{ command: printenv, environment: { TOKEN: \"${{ secrets.API_TOKEN }}\" } }", false)]
    public void A_secret_into_a_stored_step_output_is_WF0405(bool durable, string action, string with, bool reported)
    {
        var yaml = $"""
            name: stored
            {(durable ? "json_context: TestApp.PlacesJson" : "max_parallel: 1")}
            steps:
              - id: call
                action: {action}
                with: {with}
                compensate:
                  action: {action}
                  with: {with.Replace("API_TOKEN", "UNDO_TOKEN")}
            """;
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, new[] { ("flows/stored.workflow.yaml", yaml) });

        Assert.Empty(result.AnalyzerExceptions);
        var found = result.WorkflowDiagnostics.Where(d => d.Id == "WF0405").ToList();
        if (!reported)
        {
            Assert.Empty(found);
            return;
        }

        var diagnostic = Assert.Single(found);
        Assert.Equal(PositionOf(yaml, "\"${{ secrets.API_TOKEN }}\""), Position(diagnostic));
        Assert.Contains("Step 'call' passes a ${{ secrets }} value into a step output, which durable runs store", diagnostic.GetMessage());
    }

    [Fact]
    public void A_secret_in_an_http_requests_headers_is_not_a_stored_output_but_in_its_url_it_is()
    {
        // The usual place of a credential: the response, which a durable run stores, never holds the request's headers.
        var yaml = """
            name: api
            json_context: TestApp.PlacesJson
            steps:
              - id: call
                action: http.get
                with:
                  url: "https://api.example.com/items?key=${{ secrets.API_KEY }}"
                  headers: { Authorization: "${{ secrets.API_TOKEN }}" }
            """;
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, new[] { ("flows/api.workflow.yaml", yaml) });

        var diagnostic = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0405");
        Assert.Equal(PositionOf(yaml, "\"https://api.example.com/items?key="), Position(diagnostic));
    }

    [Fact]
    public void A_number_or_boolean_under_a_credential_like_name_is_not_WF0402_but_text_is()
    {
        // Found by the random workflows: 'cancellationToken: -3' passed to a called workflow was WF0402.
        var child = """
            name: child
            inputs:
              token_count: int
              use_token: bool
              api_token: string
            steps:
              - id: a
                action: build
            """;
        var parent = """
            name: parent
            steps:
              - id: run
                workflow: child
                with: { token_count: -3, use_token: true, api_token: abcdef }
            """;
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, new[] { ("flows/child.workflow.yaml", child), ("flows/parent.workflow.yaml", parent) });

        var diagnostic = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0402");
        Assert.Equal(PositionOf(parent, "abcdef"), Position(diagnostic));
    }

    [Fact]
    public void A_secret_into_the_inputs_of_a_durably_run_workflow_is_WF0405()
    {
        var child = """
            name: ship
            json_context: TestApp.PlacesJson
            inputs:
              token: string
            steps:
              - id: push
                action: deploy.push
                with: { environment: "${{ inputs.token }}" }
            """;
        var parent = """
            name: caller
            json_context: TestApp.PlacesJson
            steps:
              - id: run
                workflow: ship
                with: { token: "${{ secrets.API_TOKEN }}" }
            """;
        var result = WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, new[] { ("flows/ship.workflow.yaml", child), ("flows/caller.workflow.yaml", parent) });

        var diagnostic = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0405");
        Assert.EndsWith("caller.workflow.yaml", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(PositionOf(parent, "\"${{ secrets"), Position(diagnostic));
        Assert.Contains("the inputs of workflow 'ship', which its durable run stores as written", diagnostic.GetMessage());
    }

    private static string Indent(string[] lines, int spaces) => string.Join("\n", lines.Select(l => new string(' ', spaces) + l));

    private static (int Line, int Column) Position(Diagnostic diagnostic)
    {
        var start = diagnostic.Location.GetLineSpan().StartLinePosition;
        return (start.Line + 1, start.Character + 1);
    }

    /// <summary>1-based line and column of the only occurrence of <paramref name="marker"/>.</summary>
    private static (int Line, int Column) PositionOf(string yaml, string marker)
    {
        var index = yaml.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0 && yaml.IndexOf(marker, index + 1, StringComparison.Ordinal) < 0, $"'{marker}' must occur once");
        var before = yaml.Substring(0, index);
        return (before.Count(c => c == '\n') + 1, index - before.LastIndexOf('\n'));
    }
}
