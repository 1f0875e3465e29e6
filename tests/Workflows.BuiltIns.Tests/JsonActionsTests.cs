using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Workflows.BuiltIns.Tests;

public sealed class JsonActionsTests
{
    private const string Document = """
        {
          "items": [ { "name": "first", "tags": ["a", "b"] }, { "name": "second", "price": 2.5 } ],
          "odd key": { "x": true },
          "nothing": null,
          "count": 2
        }
        """;

    [Theory]
    [InlineData("$.items[0].name", "first")]
    [InlineData("items[0].name", "first")]
    [InlineData("$.items[1].price", "2.5")]
    [InlineData("items[-1].name", "second")]
    [InlineData("$.items[0].tags[1]", "b")]
    [InlineData("$['odd key'].x", "true")]
    [InlineData("$[\"odd key\"][\"x\"]", "true")]
    [InlineData("count", "2")]
    [InlineData("items[0].tags", "[\"a\",\"b\"]")]
    public void Get_follows_paths(string path, string expected)
    {
        var result = JsonActions.Get(Document, path);

        Assert.True(result.Found);
        Assert.Equal(expected, result.Text);
        Assert.NotNull(result.Value);
    }

    [Fact]
    public void The_whole_document_and_json_null()
    {
        var whole = JsonActions.Get("[1,2]", "$");
        Assert.Equal("[1,2]", whole.Text);
        Assert.Equal(2, (int)JsonActions.Get("[1,2]", "[1]").Value!);

        var nothing = JsonActions.Get(Document, "$.nothing");
        Assert.True(nothing.Found);
        Assert.Null(nothing.Value);
        Assert.Null(nothing.Text);
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.items[5]")]
    [InlineData("$.items.name")]
    [InlineData("$.count[0]")]
    [InlineData("$.items[0].name.first")]
    public void Paths_that_lead_nowhere_are_not_found_or_fail_when_required(string path)
    {
        var result = JsonActions.Get(Document, path);
        Assert.False(result.Found);
        Assert.Null(result.Value);
        Assert.Null(result.Text);

        var error = Assert.Throws<KeyNotFoundException>(() => JsonActions.Get(Document, path, required: true));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("$..items")]
    [InlineData("$.items[")]
    [InlineData("$.items[x]")]
    [InlineData("$['open")]
    [InlineData("$items")]
    public void Malformed_paths_are_format_errors(string path)
    {
        var error = Assert.Throws<FormatException>(() => JsonActions.Get(Document, path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Parse_gives_nodes_and_rejects_invalid_json()
    {
        var node = JsonActions.Parse("""{"a":[1,{"b":"c"}]}""");

        Assert.Equal("c", (string?)node!["a"]![1]!["b"]);
        Assert.Null(JsonActions.Parse("null"));
        Assert.ThrowsAny<JsonException>(() => JsonActions.Parse("{oops"));
        Assert.ThrowsAny<JsonException>(() => JsonActions.Get("{oops", "$.a"));
    }
}
