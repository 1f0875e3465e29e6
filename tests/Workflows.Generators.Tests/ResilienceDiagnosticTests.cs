using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>Retry and timeout diagnostics (WF02xx) at their exact positions, and the emitted pipelines.</summary>
public sealed class ResilienceDiagnosticTests
{
    private static BuildResult Build(string yaml) => WorkflowTestHost.Build(TestSources.Actions, ("r.workflow.yaml", yaml));

    [Theory]
    [InlineData("10", "'10' has no unit (ms, s, m, h or d)")]
    [InlineData("10x", "'x' is not a unit: use ms, s, m, h or d")]
    [InlineData("30m1h", "write units from largest to smallest, each once (as in 1h30m)")]
    [InlineData("0s", "it must be at least 1ms")]
    [InlineData("fast", "expected a number at 'fast'")]
    public void WF0201_bad_duration(string duration, string reason)
        => Assert.Equal($"'{duration}' is not a valid duration: {reason}. Write for example 500ms, 10s, 5m or 1h30m.",
            DiagnosticAssert.SingleError(Build($"name: r\nsteps:\n  - id: a\n    action: build\n    timeout: {duration}\n"), "WF0201", 5, 14).GetMessage());

    [Fact]
    public void WF0201_bad_workflow_timeout()
        => DiagnosticAssert.SingleError(Build("name: r\ntimeout: 1h1h\nsteps:\n  - id: a\n    action: build\n"), "WF0201", 2, 10);

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    public void WF0202_max_attempts_below_one(string attempts)
        => DiagnosticAssert.SingleError(Build($"name: r\nsteps:\n  - id: a\n    action: build\n    retry: {{ max_attempts: {attempts} }}\n"), "WF0202", 5, 28);

    [Fact]
    public void WF0203_delay_longer_than_max_delay()
        => Assert.Equal("delay 5s is longer than max_delay 2s, so no retry could wait that long. Lower delay or raise max_delay.",
            DiagnosticAssert.SingleError(Build("name: r\nsteps:\n  - id: a\n    action: build\n    retry: { max_attempts: 3, delay: 5s, max_delay: 2s }\n"), "WF0203", 5, 38).GetMessage());

    [Theory]
    [InlineData("System.Nope", "names no type")]
    [InlineData("System.String", "is not an exception type")]
    public void WF0204_retry_on_must_name_an_exception_type(string type, string reason)
        => Assert.Equal($"'{type}' in retry.on {reason}. Use an exception type's full name, such as System.TimeoutException.",
            DiagnosticAssert.SingleError(Build($"name: r\nsteps:\n  - id: a\n    action: build\n    retry:\n      max_attempts: 3\n      on: [System.TimeoutException, {type}]\n"), "WF0204", 7, 37).GetMessage());

    [Fact]
    public void Unknown_backoff_suggests_the_closest_kind()
        => Assert.Equal("'backoff' is constant, linear or exponential, not 'exponental'. Did you mean 'exponential'?",
            DiagnosticAssert.SingleError(Build("name: r\nsteps:\n  - id: a\n    action: build\n    retry: { max_attempts: 2, backoff: exponental }\n"), "WF0006", 5, 40).GetMessage());

    [Fact]
    public void WF0205_compensation_reads_a_step_its_step_does_not_depend_on()
        => Assert.Equal("The compensation of step 'a' reads step 'b', which 'a' does not depend on, so it may not have run. Read 'a' itself or one of its dependencies.",
            DiagnosticAssert.SingleError(Build("name: r\nsteps:\n  - id: a\n    action: build\n    compensate:\n      action: take.string\n      with: { value: \"${{ steps.b.output.Id }}\" }\n  - id: b\n    action: orders.load\n    with: { id: x }\n"), "WF0205", 7, 22).GetMessage());

    [Fact]
    public void Compensation_actions_are_checked_like_steps()
        => Assert.Equal("Step 'a (compensate)' uses unknown action 'deploy.psuh'. Did you mean 'deploy.push'?",
            DiagnosticAssert.SingleError(Build("name: r\nsteps:\n  - id: a\n    action: build\n    compensate: { action: deploy.psuh }\n"), "WF0003", 5, 27).GetMessage());

    [Fact]
    public void WF0206_on_failure_step_depending_on_a_normal_step()
        => Assert.StartsWith("on_failure step 'alert' depends on step 'a'.",
            DiagnosticAssert.SingleError(Build("name: r\nsteps:\n  - id: a\n    action: build\non_failure:\n  - id: alert\n    action: build\n    depends_on: a\n"), "WF0206", 8, 17).GetMessage());

    [Fact]
    public void WF0206_on_failure_step_reading_a_step_output()
        => Assert.StartsWith("on_failure step 'alert' reads the output of step 'load'.",
            DiagnosticAssert.SingleError(Build("name: r\nsteps:\n  - id: load\n    action: orders.load\n    with: { id: x }\non_failure:\n  - id: alert\n    action: take.string\n    with: { value: \"${{ steps.load.output.Id }}\" }\n"), "WF0206", 9, 31).GetMessage());

    [Fact]
    public void WF0207_retries_that_can_outlast_the_workflow_timeout_warn()
    {
        var result = Build("name: r\ntimeout: 10s\nsteps:\n  - id: a\n    action: build\n    timeout: 3s\n    retry: { max_attempts: 3, delay: 1s, backoff: exponential }\n");

        var warning = Assert.Single(result.WorkflowDiagnostics);
        Assert.Equal(("WF0207", DiagnosticSeverity.Warning), (warning.Id, warning.Severity));
        Assert.Equal("Step 'a' can take up to 00:00:12 with its retries and timeouts, longer than the workflow's timeout of 10s. Its last attempts would be cut short.", warning.GetMessage());
        Assert.Equal(6, warning.Location.GetLineSpan().StartLinePosition.Line);
        Assert.NotEmpty(result.Generator.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Retries_within_the_workflow_timeout_do_not_warn()
        => Assert.Empty(Build("name: r\ntimeout: 1m\nsteps:\n  - id: a\n    action: build\n    timeout: 3s\n    retry: { max_attempts: 3, delay: 1s, backoff: exponential }\n").WorkflowDiagnostics);

    [Fact]
    public void Resilient_steps_get_one_static_pipeline_each()
    {
        var result = Build("""
            name: resilient
            timeout: 1h30m
            steps:
              - id: fetch
                action: fetch
                timeout: 10s
                retry:
                  max_attempts: 4
                  delay: 200ms
                  backoff: exponential
                  max_delay: 5s
                  jitter: true
                  on: [System.TimeoutException, System.Net.Http.HttpRequestException]
                with: { order_id: o-1 }
              - id: push
                action: deploy.push
                depends_on: fetch
                with: { environment: "${{ steps.fetch.output }}" }
            """);

        Assert.Empty(result.WorkflowDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Snapshot.Match(result.GeneratedSource("TestApp.ResilientWorkflow.g.cs")!, "ResilientWorkflow.g.cs");
    }
}
