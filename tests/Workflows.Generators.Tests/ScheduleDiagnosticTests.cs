using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>on: schedule: cron expressions and time zones are checked at build time, at the exact position.</summary>
public sealed class ScheduleDiagnosticTests
{
    private static BuildResult Build(string yaml) => WorkflowTestHost.Build(TestSources.Actions, ("flows/nightly.workflow.yaml", yaml));

    [Fact]
    public void Valid_schedules_are_listed_on_the_generated_class()
    {
        var result = Build("""
            name: nightly
            on:
              schedule:
                - cron: "0 2 * * *"
                  timezone: Europe/Berlin
                - cron: "@hourly"
                  overlap: allow
                  catch_up: latest
              manual: true
            steps:
              - id: one
                action: build
            """);

        Assert.Empty(result.AnalyzerExceptions);
        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        var source = result.GeneratedSource("TestApp.NightlyWorkflow.g.cs")!;
        Assert.Contains("new global::Workflows.Scheduling.WorkflowSchedule(WorkflowName, \"0 2 * * *\", \"Europe/Berlin\", AllowOverlap: false, global::Workflows.Scheduling.CatchUpPolicy.None),", source);
        Assert.Contains("new global::Workflows.Scheduling.WorkflowSchedule(WorkflowName, \"@hourly\", \"UTC\", AllowOverlap: true, global::Workflows.Scheduling.CatchUpPolicy.Latest),", source);
    }

    [Theory]
    [InlineData("\"0 25 * * *\"", 4, 16, "hour: 25 is out of range 0-23")]
    [InlineData("\"61 * * * *\"", 4, 14, "minute: 61 is out of range 0-59")]
    [InlineData("\"0 0 30 2 *\"", 4, 18, "never occurs")]
    [InlineData("\"0 2 * *\"", 4, 14, "")]
    public void WF0601_an_invalid_cron_expression_at_the_bad_field(string cron, int line, int column, string reason)
    {
        var result = Build($$"""
            name: nightly
            on:
              schedule:
                - cron: {{cron}}
            steps:
              - id: one
                action: build
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0601", line, column);
        Assert.Contains(reason, diagnostic.GetMessage());
    }

    [Fact]
    public void WF0602_an_unknown_time_zone()
    {
        var result = Build("""
            name: nightly
            on:
              schedule:
                - cron: "0 2 * * *"
                  timezone: Europe/Atlantis
            steps:
              - id: one
                action: build
            """);

        var diagnostic = DiagnosticAssert.SingleError(result, "WF0602", 5, 17);
        Assert.StartsWith("'Europe/Atlantis' is not a time zone this machine knows.", diagnostic.GetMessage());
    }

    [Fact]
    public void WF0006_overlap_and_catch_up_take_known_values()
    {
        var result = Build("""
            name: nightly
            on:
              schedule:
                - cron: "@daily"
                  overlap: sometimes
            steps:
              - id: one
                action: build
            """);

        Assert.Contains("'overlap' must be one of: skip, allow.", DiagnosticAssert.SingleError(result, "WF0006", 5, 16).GetMessage());
    }
}
