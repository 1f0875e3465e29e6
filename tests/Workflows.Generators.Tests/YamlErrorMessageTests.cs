using System;
using System.Linq;
using Workflows.Generators.Tests.Infrastructure;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>WF0005 says what is wrong in the words of someone editing YAML, at the place to fix, never a parser's internals.</summary>
public sealed class YamlErrorMessageTests
{
    [Theory]
    [InlineData("name: a\nsteps: [a, b\nfoo: 1\n", 2, 8, "the '[' on line 2, column 8 is never closed: add ']' after its last item")]
    [InlineData("name: a\nsteps: [ {id: x, action: build}\n", 2, 8, "the '[' on line 2, column 8 is never closed: add ']' after its last item")]
    [InlineData("name: a\nsteps:\n  - id: x\n    action: build\n    with: { a: [1, 2 }\n", 5, 22, "'}' on line 5, column 22 does not close the '[' opened on line 5, column 16: close that one first with ']'")]
    [InlineData("name: a\nsteps: {\n  x: 1", 2, 8, "the '{' on line 2, column 8 is never closed: add '}' after its last entry")]
    [InlineData("name: a\nsteps:\n  - id: x\n\taction: build\n", 4, 1, "line 4 is indented with a tab: YAML indents with spaces only, so replace the tab with spaces")]
    [InlineData("name: \"a\nsteps:\n  - id: x\n", 1, 7, "the quote \" on line 1, column 7 is never closed: end the value with \"")]
    [InlineData("name: 'a\nsteps:\n", 1, 7, "the quote ' on line 1, column 7 is never closed: end the value with '")]
    [InlineData("name: a\nsteps:\n  - id: x\n     action: build\n", 4, 6, "inconsistent indentation: line 4 is indented more than the entries of the mapping above it, so it is read as the rest of the value before it; indent it like those entries")]
    [InlineData("name: a\nsteps:\n  - id: x\n   action: build\n", 4, 4, "inconsistent indentation: line 4 does not line up with the entries of its mapping or list; indent it exactly like them")]
    [InlineData("name: a: b\nsteps: []\n", 1, 8, "a plain value cannot contain ': ': put the value in quotes")]
    [InlineData("name: @a\n", 1, 7, "'@' cannot start a plain value: put the value in quotes")]
    [InlineData("name: a\nsteps: ]\n", 2, 8, "']' on line 2, column 8 closes nothing: remove it, or add the '[' it should close")]
    public void Malformed_yaml_is_explained_at_the_place_to_fix(string text, int line, int column, string expected)
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("w.workflow.yaml", text));

        var error = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0005");
        Assert.Equal("The workflow file is not well-formed YAML: " + expected, error.GetMessage());
        var start = error.Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (start.Line + 1, start.Character + 1));
    }

    [Fact]
    public void Json_with_a_bracket_closed_by_the_wrong_one_names_both()
    {
        var result = WorkflowTestHost.Build(TestSources.Actions, ("w.workflow.json", "{\"name\": \"a\", \"steps\": [ }"));

        var error = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0005");
        Assert.Equal("The workflow file is not well-formed JSON: '}' on line 1, column 26 does not close the '[' opened on line 1, column 24: close that one first with ']'", error.GetMessage());
    }

    [Fact]
    public void Brackets_quotes_and_tabs_inside_values_comments_and_block_text_are_not_mistaken_for_syntax()
    {
        // Valid apart from the unclosed '[' on the last line: nothing before it may be blamed.
        const string Text = "name: it's-fine # a comment with [ and \"\ndescription: |\n  text with { and [ and 'quotes\n  \tand a tab\nsteps: [a\n";
        var result = WorkflowTestHost.Build(TestSources.Actions, ("w.workflow.yaml", Text));

        var error = Assert.Single(result.WorkflowDiagnostics, d => d.Id == "WF0005");
        Assert.Equal("The workflow file is not well-formed YAML: the '[' on line 5, column 8 is never closed: add ']' after its last item", error.GetMessage());
    }
}
