using System;
using Workflows.Text;
using Xunit;

namespace Workflows.BuiltIns.Tests;

public sealed class OptionsAndDurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData(" 5m ", 300_000)]
    public void Durations_parse(string text, long milliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationParser.Parse(text, "timeout"));

    [Theory]
    [InlineData("5", "no unit")]
    [InlineData("5 s", "'5' has no unit")]
    [InlineData("1s1s", "largest to smallest")]
    [InlineData("0s", "at least 1ms")]
    [InlineData("-1s", "expected a number")]
    [InlineData("1w", "'w' is not a unit")]
    public void Bad_durations_name_the_text_and_the_reason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => DurationParser.Parse(text, "timeout"));

        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Environment_secrets_read_variables_with_an_optional_prefix()
    {
        var name = "WF_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable("APP_" + name, "hunter2");
        try
        {
            Assert.True(new EnvironmentSecrets("APP_").TryGetSecret(name, out var value));
            Assert.Equal("hunter2", value);
            Assert.False(EnvironmentSecrets.Default.TryGetSecret(name, out var missing));
            Assert.Null(missing);
        }
        finally
        {
            Environment.SetEnvironmentVariable("APP_" + name, null);
        }
    }

    [Fact]
    public void New_options_default_to_null()
    {
        var options = new WorkflowOptions();

        Assert.Null(options.FileRoot);
        Assert.Null(options.HttpClient);
        Assert.Null(options.Secrets);
    }
}
