using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>
/// WF07xx: durable workflows compared with Workflows.Shipped.txt. Each breaking change is reported at its place in the
/// workflow file; compatible changes report nothing; the file itself is what an accepting build writes.
/// </summary>
public sealed class VersioningDiagnosticTests
{
    internal const string Actions = """
        namespace TestApp
        {
            public sealed record Order(string Id, decimal Total);

            public static class Shop
            {
                [global::Workflows.WorkflowAction("orders.load")]
                public static Order Load(string id) => new(id, 1m);

                [global::Workflows.WorkflowAction("orders.ship")]
                public static string Ship(string id) => "shipped " + id;

                [global::Workflows.WorkflowAction("orders.resend")]
                public static string Resend(string id) => "resent " + id;

                [global::Workflows.WorkflowAction("orders.note")]
                public static void Note() { }
            }

            // The JSON source generator does not run here: the context's attributes are all the binder reads.
            [System.Text.Json.Serialization.JsonSerializable(typeof(Order))]
            public sealed partial class ShopJson : System.Text.Json.Serialization.JsonSerializerContext
            {
                public ShopJson() : base(null) { }
                public static ShopJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
            }
        }
        """;

    /// <summary>The same actions, where orders.ship now returns a number.</summary>
    private static readonly string s_shipReturnsInt = Actions.Replace(
        "public static string Ship(string id) => \"shipped \" + id;", "public static int Ship(string id) => id.Length;", StringComparison.Ordinal);

    internal const string Orders = """
        name: orders
        json_context: TestApp.ShopJson
        durable: true
        inputs:
          id: { type: string, required: true }
          count: { type: int, default: 1 }
        steps:
          - id: load
            action: orders.load
            with: { id: "${{ inputs.id }}" }
          - id: ship
            action: orders.ship
            with: { id: "${{ steps.load.output.Id }}" }
        """;

    private const string OrdersPath = "flows/orders.workflow.yaml";
    private const string ShippedPath = "Workflows.Shipped.txt";

    [Fact]
    public void An_accepting_build_writes_each_durable_workflow_sorted_one_fact_per_line()
    {
        var shipped = Accept(Actions, (OrdersPath, Orders), ("flows/plain.workflow.yaml", "name: plain\nsteps:\n  - id: one\n    action: orders.note\n"));

        var lines = shipped.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Matches("^orders \\| definition \\| [0-9a-f]{16}$", lines[0]);
        Assert.Equal(
            new[]
            {
                "orders | input | count | int | optional",
                "orders | input | id | string | required",
                "orders | step | load | orders.load -> global::TestApp.Order",
                "orders | step | ship | orders.ship -> string",
            },
            lines.Skip(1));
        Assert.EndsWith("\n", shipped, StringComparison.Ordinal);
        // Deterministic: the same workflows give the same text.
        Assert.Equal(shipped, Accept(Actions, ("flows/plain.workflow.yaml", "name: plain\nsteps:\n  - id: one\n    action: orders.note\n"), (OrdersPath, Orders)));
    }

    [Fact]
    public void Unchanged_workflows_report_nothing()
    {
        var result = Build(Actions, Shipped(), (OrdersPath, Orders));
        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
    }

    [Theory]
    // A new step downstream of the completed ones.
    [InlineData("    with: { id: \"${{ steps.load.output.Id }}\" }", "    with: { id: \"${{ steps.load.output.Id }}\" }\n  - id: audit\n    action: orders.note\n    depends_on: [ship]")]
    // Retries and timeouts.
    [InlineData("    action: orders.ship\n", "    action: orders.ship\n    timeout: 5s\n    retry: { max_attempts: 3, delay: 1s }\n")]
    // A new optional input, with or without a default.
    [InlineData("  count: { type: int, default: 1 }", "  count: { type: int, default: 1 }\n  note: { type: string, default: x }\n  tag: { type: string }")]
    // A default changed.
    [InlineData("default: 1", "default: 2")]
    public void Compatible_changes_report_nothing(string find, string replace)
    {
        var changed = Change(Orders, find, replace);
        var result = Build(Actions, Shipped(), (OrdersPath, changed));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
    }

    [Theory]
    // Step removed: reported at the workflow's name, since the step is gone.
    [InlineData("  - id: ship\n    action: orders.ship\n    with: { id: \"${{ steps.load.output.Id }}\" }", "", "WF0701", 1, 7, "no longer has step 'ship' (orders.ship -> string)")]
    // Step renamed.
    [InlineData("- id: ship", "- id: send", "WF0701", 1, 7, "no longer has step 'ship'")]
    // Step calls another action.
    [InlineData("action: orders.ship", "action: orders.resend", "WF0703", 12, 13, "now calls 'orders.resend', not 'orders.ship'")]
    // Input type changed: at the type.
    [InlineData("count: { type: int,", "count: { type: long,", "WF0704", 6, 18, "Input 'count' of durable workflow 'orders' is now 'long', not 'int'")]
    // Input removed: at the name.
    [InlineData("  count: { type: int, default: 1 }\n", "", "WF0705", 1, 7, "no longer has input 'count' (int)")]
    // A new required input without default: at the input.
    [InlineData("  count: { type: int, default: 1 }", "  count: { type: int, default: 1 }\n  note: { type: string, required: true }", "WF0706", 7, 3, "Input 'note' of durable workflow 'orders' is required without a default and is new")]
    // An optional input made required.
    [InlineData("count: { type: int, default: 1 }", "count: { type: int, required: true }", "WF0706", 6, 3, "Input 'count' of durable workflow 'orders' is required without a default and was optional")]
    // No longer durable: at the name.
    [InlineData("json_context: TestApp.ShopJson\ndurable: true\n", "", "WF0707", 1, 7, "is no longer durable")]
    // A new version of the definition without the old one kept: the runs of 'orders' (version 1) lose their definition.
    [InlineData("name: orders\n", "name: orders\nversion: 2\n", "WF0707", 3, 1, "records durable workflow 'orders', which has no workflow file any more")]
    public void Breaking_changes_are_reported_where_they_are_made(string find, string replace, string id, int line, int column, string message)
    {
        var changed = Change(Orders, find, replace);
        var result = Build(Actions, Shipped(), (OrdersPath, changed));

        var diagnostic = Single(result, id, line, column);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        // Every message says which runs it strands and what to do.
        Assert.Contains("in flight", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("WorkflowsAcceptVersions=true", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_whose_action_now_returns_another_type_is_reported_at_the_step()
    {
        var result = Build(s_shipReturnsInt, Shipped(), (OrdersPath, Orders));

        var diagnostic = Single(result, "WF0702", 12, 13);
        Assert.Contains("Step 'ship' of durable workflow 'orders' now returns 'int', not 'string'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("keep the old definition in a file of its own (same name, 'version: 1') and give this one 'version: 2'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static readonly string s_withSignal = Orders + """

          - id: approval
            signal: manager-approval
            type: TestApp.Order
        """;

    [Theory]
    [InlineData("type: TestApp.Order", "type: string", "WF0702", 16, 11, "now returns 'string', not 'global::TestApp.Order'")]
    [InlineData("signal: manager-approval", "signal: boss-approval", "WF0703", 15, 13, "now calls 'signal boss-approval', not 'signal manager-approval'")]
    public void A_signal_renamed_or_its_payload_changed_is_reported_at_the_step(string find, string replace, string id, int line, int column, string message)
    {
        var shipped = Accept(Actions, (OrdersPath, s_withSignal));
        Assert.Contains("orders | step | approval | signal manager-approval -> global::TestApp.Order", shipped, StringComparison.Ordinal);

        var result = Build(Actions, shipped, (OrdersPath, Change(s_withSignal, find, replace)));

        var diagnostic = Single(result, id, line, column);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_signal_step_removed_is_reported_at_the_workflow()
    {
        var shipped = Accept(Actions, (OrdersPath, s_withSignal));

        var diagnostic = Single(Build(Actions, shipped, (OrdersPath, Orders)), "WF0701", 1, 7);

        Assert.Contains("no longer has step 'approval' (signal manager-approval -> global::TestApp.Order)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_workflow_file_is_reported_at_its_line_of_the_shipped_file()
    {
        var result = Build(Actions, Shipped(), ("flows/other.workflow.yaml", "name: other\nsteps:\n  - id: one\n    action: orders.note\n"));

        var diagnostic = Single(result, "WF0707", 3, 1);
        Assert.EndsWith(ShippedPath, diagnostic.Location.GetLineSpan().Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_file_nothing_is_compared()
    {
        var result = Build(Actions, shipped: null, (OrdersPath, Change(Orders, "- id: ship", "- id: send")));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
    }

    [Fact]
    public void An_accepting_build_does_not_compare()
    {
        var changed = Change(Orders, "- id: ship", "- id: send");
        var result = Build(Actions, Shipped(), new Dictionary<string, string> { ["build_property.WorkflowsAcceptVersions"] = "true" }, (OrdersPath, changed));

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Contains("orders | step | send | orders.ship -> string", ShippedText(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders | stepp | x | y", "unknown kind 'stepp' (known: definition, input, step)")]
    [InlineData("orders | input | x | int | sometimes", "expected '<workflow> | input | <name> | <type> | required' (or optional)")]
    [InlineData("orders | definition | not-hex", "expected '<workflow> | definition | <hash in hex digits>'")]
    [InlineData("orders", "expected '<workflow> | <kind> | ...'")]
    [InlineData("other | stepp | x | y", "unknown kind 'stepp'")]
    [InlineData("orders | step | load | orders.load -> global::TestApp.Order", "step 'load' of workflow 'orders' is listed twice")]
    public void A_malformed_line_is_reported_with_its_file_and_line(string line, string problem)
    {
        var shipped = Shipped();
        var lineNumber = shipped.Split('\n').Length; // the line appended after the last newline
        var result = Build(Actions, shipped + line + "\n", (OrdersPath, Orders));

        var diagnostic = Single(result, "WF0708", lineNumber, 1);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith($"{ShippedPath}({lineNumber}): ", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.EndsWith(ShippedPath, diagnostic.Location.GetLineSpan().Path, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_version_kept_beside_the_new_one_keeps_the_runs_of_the_old_and_gets_a_class_of_its_own()
    {
        var v1 = Change(Orders, "name: orders\n", "name: orders\nversion: 1\n");
        var v2 = Change(Change(Orders, "name: orders\n", "name: orders\nversion: 2\n"), "- id: ship", "- id: send");

        var result = Build(Actions, Shipped(), ("flows/orders.v1.workflow.yaml", v1), (OrdersPath, v2));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Assert.Contains("public const string WorkflowName = \"orders\";", result.GeneratedSource("TestApp.OrdersV1Workflow.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public const string WorkflowName = \"orders@2\";", result.GeneratedSource("TestApp.OrdersV2Workflow.g.cs"), StringComparison.Ordinal);

        // Accepting now records both versions.
        var accepted = Accept(Actions, ("flows/orders.v1.workflow.yaml", v1), (OrdersPath, v2));
        Assert.Contains("orders | step | ship | orders.ship -> string", accepted, StringComparison.Ordinal);
        Assert.Contains("orders@2 | step | send | orders.ship -> string", accepted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workflow_step_names_a_version_by_its_definition_name()
    {
        var v1 = Change(Orders, "name: orders\n", "name: orders\nversion: 1\n");
        var v2 = Change(Change(Orders, "name: orders\n", "name: orders\nversion: 2\n"), "- id: ship", "- id: send");
        const string Caller = "name: caller\njson_context: TestApp.ShopJson\nsteps:\n  - id: old\n    workflow: orders\n    with: { id: a }\n  - id: new\n    workflow: orders@2\n    with: { id: b }\n";

        var result = Build(Actions, shipped: null, ("flows/orders.v1.workflow.yaml", v1), (OrdersPath, v2), ("flows/caller.workflow.yaml", Caller));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var caller = result.GeneratedSource("TestApp.CallerWorkflow.g.cs")!;
        Assert.Contains("global::TestApp.OrdersV1Workflow", caller, StringComparison.Ordinal);
        Assert.Contains("global::TestApp.OrdersV2Workflow", caller, StringComparison.Ordinal);
    }

    [Theory]
    // No version: is version 1.
    [InlineData("", "version: 1\n", "1")]
    // Another namespace: another class, but the same stored name.
    [InlineData("version: 2\nnamespace: Other\n", "version: 2\n", "2")]
    public void Two_files_defining_one_version_is_an_error(string first, string second, string version)
    {
        var result = Build(Actions, shipped: null,
            ("flows/a.workflow.yaml", Change(Orders, "name: orders\n", "name: orders\n" + first)),
            ("flows/b.workflow.yaml", Change(Orders, "name: orders\n", "name: orders\n" + second)));

        var errors = result.WorkflowDiagnostics.Where(d => d.Id == "WF0709").ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal((DiagnosticSeverity.Error, 0, 6), (e.Severity, e.Location.GetLineSpan().StartLinePosition.Line, e.Location.GetLineSpan().StartLinePosition.Character)));
        Assert.Contains($"Version {version} of workflow 'orders' is also defined by 'flows/b.workflow.yaml'", errors.Select(e => e.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).First(m => m.Contains("b.workflow", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("-1")]
    public void A_version_that_is_not_a_whole_number_of_at_least_1_is_a_schema_error(string version)
    {
        var result = Build(Actions, shipped: null, (OrdersPath, Change(Orders, "name: orders\n", $"name: orders\nversion: {version}\n")));

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0006", 2, 10);
        Assert.Contains("The workflow's 'version' must be a whole number of at least 1", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static string Change(string yaml, string find, string replace)
    {
        Assert.Contains(find, yaml, StringComparison.Ordinal);
        return yaml.Replace(find, replace, StringComparison.Ordinal);
    }

    /// <summary>What the v1 workflow accepted as: the shipped file the changes are compared with.</summary>
    private static string Shipped() => Accept(Actions, (OrdersPath, Orders));

    internal static string Accept(string csharp, params (string Path, string Text)[] workflows)
    {
        var result = Build(csharp, null, new Dictionary<string, string> { ["build_property.WorkflowsAcceptVersions"] = "true" }, workflows);
        Assert.Empty(result.AnalyzerExceptions);
        Assert.DoesNotContain(result.WorkflowDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return ShippedText(result);
    }

    private static string ShippedText(BuildResult result)
        => Versioning.ShippedCarrier.Read(result.GeneratedSource(Versioning.ShippedCarrier.HintName) ?? throw new InvalidOperationException("No WorkflowsShipped.g.cs was generated."))!;

    private static BuildResult Build(string csharp, string? shipped, params (string Path, string Text)[] workflows)
        => Build(csharp, shipped, new Dictionary<string, string>(), workflows);

    /// <summary>As <see cref="WorkflowTestHost.Build(string[], ValueTuple{string, string}[], string?, MetadataReference[]?)"/>, with the shipped file and build properties.</summary>
    internal static BuildResult Build(string csharp, string? shipped, Dictionary<string, string> properties, params (string Path, string Text)[] workflows)
    {
        properties["build_property.RootNamespace"] = WorkflowTestHost.RootNamespace;
        var options = new TestOptionsProvider(properties);
        var compilation = WorkflowTestHost.CreateCompilation(csharp);
        var texts = workflows.Select(w => (AdditionalText)new InMemoryAdditionalText(w.Path, w.Text)).ToList();
        if (shipped is not null)
        {
            texts.Add(new InMemoryAdditionalText(ShippedPath, shipped));
        }

        var files = texts.ToImmutableArray();
        var driver = WorkflowTestHost.CreateDriver(files, options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var exceptions = new List<Exception>();
        var withAnalyzers = output.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new WorkflowAnalyzer()),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(files, options), (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return new BuildResult(driver.GetRunResult(), output, diagnostics, exceptions);
    }

    private static Diagnostic Single(BuildResult result, string id, int line, int column)
    {
        Assert.Empty(result.AnalyzerExceptions);
        var all = result.WorkflowDiagnostics.ToList();
        var matching = all.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1 && all.Count == 1, $"Expected one {id} and nothing else, got: {string.Join("; ", all)}");
        var position = matching[0].Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (position.Line + 1, position.Character + 1));
        return matching[0];
    }
}
