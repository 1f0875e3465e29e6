using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>Errors that do not depend on each other all show in one build, not one per fix.</summary>
public sealed class IndependentErrorTests
{
    private static string[] Ids(string yaml)
        => WorkflowTestHost.Build(TestSources.Actions, ("i.workflow.yaml", yaml)).WorkflowDiagnostics
            .Select(d => $"{d.Id}@{d.Location.GetLineSpan().StartLinePosition.Line + 1}").OrderBy(s => s, System.StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_bad_max_attempts_does_not_hide_an_unknown_exception_type_in_on()
        => Assert.Equal(new[] { "WF0202@6", "WF0204@7" }, Ids("name: r\nsteps:\n  - id: a\n    action: build\n    retry:\n      max_attempts: 0\n      on: [NoSuchException]\n"));

    [Fact]
    public void A_missing_max_attempts_does_not_hide_an_unknown_exception_type_in_on()
        => Assert.Equal(new[] { "WF0006@5", "WF0204@5" }, Ids("name: r\nsteps:\n  - id: a\n    action: build\n    retry: { delay: 1s, on: NoSuchException }\n"));

    [Fact]
    public void A_step_without_an_id_still_has_its_action_checked()
        => Assert.Equal(new[] { "WF0003@4", "WF0006@3", "WF0006@5" }, Ids("name: r\nsteps:\n  - action: build\n  - action: biuld\n    id: [not, a, string]\n"));

    [Fact]
    public void A_json_context_that_names_no_type_shows_with_a_step_error()
        => Assert.Equal(new[] { "WF0003@5", "WF0502@2" }, Ids("name: r\njson_context: TestApp.NoSuchJson\nsteps:\n  - id: a\n    action: biuld\n"));
}
