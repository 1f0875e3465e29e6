using System;
using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>WF10xx: limits across runs (concurrency:, rate:) and priority:, checked at build time, and the code they give.</summary>
public sealed class LimitsDiagnosticTests
{
    private static readonly string Context = $$"""
        namespace TestApp
        {
            {{TestSources.JsonContext("LimitsJson", "Color", "string[]")}}
        }
        """;

    private static string Workflow(string limits, string durable = "durable: true") => $$$"""
        name: orders
        json_context: TestApp.LimitsJson
        {{{durable}}}
        inputs:
          customer: { type: string, required: true }
          region: { type: string, required: false }
          urgency: { type: int, required: true }
          boost: { type: int, required: false }
          express: { type: bool, required: true }
          color: { type: TestApp.Color, required: true }
          lines: { type: "string[]", required: true }
        {{{limits}}}
        steps:
          - id: load
            action: take.string
            with: { value: "${{ inputs.customer }}" }
        """;

    private static BuildResult Build(string workflow) => WorkflowTestHost.Build(new[] { TestSources.Actions, Context }, new[] { ("flows/orders.workflow.yaml", workflow) });

    [Fact]
    public void A_concurrency_key_a_rate_and_a_priority_compile_into_the_descriptor_and_each_start()
    {
        var result = Build(Workflow("""
            concurrency:
              limit: 2
              key: ${{ inputs.customer }}
            rate: 100/min
            priority: ${{ inputs.urgency }}
            """));

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(StrictCompilation.GeneratedCodeProblems(result));
        var source = result.GeneratedSource("TestApp.OrdersWorkflow.g.cs")!;
        Assert.Contains("Limits = new global::Workflows.Durability.RunLimits(concurrency: 2, rateCount: 100, ratePeriod: global::System.TimeSpan.FromTicks(600000000)),", source, StringComparison.Ordinal);
        Assert.Contains("private static global::Workflows.Durability.RunAdmission AdmissionOf(Inputs inputs) => new global::Workflows.Durability.RunAdmission(inputs.Customer, inputs.Urgency);", source, StringComparison.Ordinal);
        Assert.Equal(3, source.Split("AdmissionOf(inputs), cancellationToken").Length - 1); // RunDurableAsync, StartAsync, run as a step
    }

    [Theory]
    [InlineData("concurrency: 3", "new global::Workflows.Durability.RunLimits(concurrency: 3)", "string.Empty, 0")]
    [InlineData("rate: 5/s", "new global::Workflows.Durability.RunLimits(concurrency: null, rateCount: 5, ratePeriod: global::System.TimeSpan.FromTicks(10000000))", "string.Empty, 0")]
    [InlineData("rate: 10/30s", "ratePeriod: global::System.TimeSpan.FromTicks(300000000)", "string.Empty, 0")]
    [InlineData("priority: -3", null, "string.Empty, -3")]
    [InlineData("priority: ${{ inputs.boost }}", null, "string.Empty, inputs.Boost)")]
    [InlineData("concurrency: { limit: 1, key: \"${{ inputs.region }}\" }", "concurrency: 1", "(inputs.Region ?? string.Empty), 0")]
    [InlineData("concurrency: { limit: 1, key: \"${{ inputs.urgency }}\" }", "concurrency: 1", "(global::System.Convert.ToString(inputs.Urgency, global::System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty), 0")]
    [InlineData("concurrency: { limit: 1, key: \"${{ inputs.express }}\" }", "concurrency: 1", "ToString(inputs.Express, ")]
    [InlineData("concurrency: { limit: 1, key: \"${{ inputs.color }}\" }", "concurrency: 1", "ToString(inputs.Color, ")]
    [InlineData("concurrency: { limit: 1, key: \"${{ inputs.customer }}-${{ inputs.urgency }}\" }", "concurrency: 1", "global::System.String.Create(global::System.Globalization.CultureInfo.InvariantCulture, $\"{(inputs.Customer)}-{(inputs.Urgency)}\"), 0")]
    [InlineData("concurrency: { limit: 4, key: eu }", "concurrency: 4", "\"eu\", 0")]
    public void Every_form_compiles_without_a_warning(string limits, string? descriptor, string admission)
    {
        var result = Build(Workflow(limits));

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(StrictCompilation.GeneratedCodeProblems(result));
        var source = result.GeneratedSource("TestApp.OrdersWorkflow.g.cs")!;
        if (descriptor is null)
        {
            Assert.DoesNotContain("Limits = ", source, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(descriptor, source, StringComparison.Ordinal);
        }

        var admissionOf = source.Split('\n').Single(l => l.Contains("RunAdmission AdmissionOf(", StringComparison.Ordinal));
        Assert.True(admissionOf.Contains(admission, StringComparison.Ordinal), admissionOf);
    }

    [Theory]
    [InlineData("concurrency: 2", "", 12, 14, "concurrency")]
    [InlineData("rate: 1/h", "durable: false", 12, 7, "rate")]
    [InlineData("priority: 1", "", 12, 11, "priority")]
    public void WF1001_limits_in_a_workflow_that_is_not_durable(string limits, string durable, int line, int column, string key)
    {
        var result = Build(Workflow(limits, durable));

        Assert.Contains($"has '{key}', which the run store enforces", DiagnosticAssert.SingleError(result, "WF1001", line, column).GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.Executors);
    }

    [Theory]
    [InlineData("concurrency: { limit: 2, key: \"${{ steps.load.output }}\" }", 12, 31, "concurrency key", "reads the output of step 'load'")]
    [InlineData("priority: ${{ secrets.LEVEL }}", 12, 11, "priority", "reads a secret")]
    public void WF1002_a_key_or_priority_that_reads_more_than_the_inputs(string limits, int line, int column, string what, string reason)
    {
        var result = Build(Workflow(limits));

        var message = DiagnosticAssert.SingleError(result, "WF1002", line, column).GetMessage();
        Assert.Contains($"The workflow's '{what}' {reason}", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("concurrency: { limit: 2, key: \"${{ inputs.lines }}\" }", 12, 31, "'string[]'")]
    [InlineData("concurrency: { limit: 2, key: [a, b] }", 12, 31, "'list'")]
    public void WF1003_a_key_that_is_not_a_scalar(string limits, int line, int column, string type)
    {
        var result = Build(Workflow(limits));

        Assert.Contains($"is a {type}", DiagnosticAssert.SingleError(result, "WF1003", line, column).GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("priority: high", 12, 11, "'high'")]
    [InlineData("priority: ${{ inputs.customer }}", 12, 11, "of type 'string'")]
    [InlineData("priority: 2.5", 12, 11, "'2.5'")]
    public void WF1004_a_priority_that_is_not_an_int(string limits, int line, int column, string shown)
    {
        var result = Build(Workflow(limits));

        Assert.Contains($"'priority' is {shown}", DiagnosticAssert.SingleError(result, "WF1004", line, column).GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("concurrency: 0", 12, 14, "whole number of at least 1")]
    [InlineData("concurrency: { key: \"${{ inputs.customer }}\" }", 12, 14, "has no 'limit'")]
    [InlineData("concurrency: { limit: 2, per: x }", 12, 26, "Unknown key 'per'")]
    [InlineData("rate: 100 per minute", 12, 7, "such as '100/min'")]
    [InlineData("rate: 0/min", 12, 7, "such as '100/min'")]
    [InlineData("rate: 3/fortnight", 12, 7, "such as '100/min'")]
    public void WF0006_malformed_limits(string limits, int line, int column, string text)
    {
        var result = Build(Workflow(limits));

        Assert.Contains(text, DiagnosticAssert.SingleError(result, "WF0006", line, column).GetMessage(), StringComparison.Ordinal);
    }
}
