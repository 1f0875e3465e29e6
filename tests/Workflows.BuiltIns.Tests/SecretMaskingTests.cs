using System;
using System.Linq;
using Workflows.Runtime;
using Xunit;

namespace Workflows.BuiltIns.Tests;

/// <summary>What SecretRedactor keeps and what it masks in the exceptions that carry more than a message.</summary>
public sealed class SecretMaskingTests
{
    [Fact]
    public void Every_foreach_failure_is_masked_and_the_failed_items_are_kept()
    {
        const string secret = "sk-each-0123456789";
        SecretRedactor.Remember(secret);
        var failures = Enumerable.Range(0, 5).Select(i => new ForEachItemFailure(i * 2, new InvalidOperationException($"item {i} refused key {secret}"))).ToArray();
        var original = new ForEachFailedException(10, failures);

        var redacted = Assert.IsType<ForEachFailedException>(SecretRedactor.Redact(original));

        Assert.Equal(new[] { 0, 2, 4, 6, 8 }, redacted.FailedItems);
        Assert.Equal(10, redacted.ItemCount);
        Assert.All(redacted.Failures, f => Assert.DoesNotContain(secret, f.Exception.Message));
        Assert.Equal("item 3 refused key ***", redacted.Failures[3].Exception.Message);
        Assert.DoesNotContain(secret, redacted.ToString());
    }

    [Fact]
    public void A_secret_only_in_the_fourth_foreach_failure_is_still_found()
    {
        const string secret = "sk-fourth-0123456789";
        SecretRedactor.Remember(secret);
        var failures = Enumerable.Range(0, 4).Select(i => new ForEachItemFailure(i, new InvalidOperationException(i == 3 ? "leaks " + secret : "plain"))).ToArray();

        var redacted = Assert.IsType<ForEachFailedException>(SecretRedactor.Redact(new ForEachFailedException(4, failures)));

        Assert.Equal("leaks ***", redacted.Failures[3].Exception.Message);
        Assert.Equal(new[] { 0, 1, 2, 3 }, redacted.FailedItems);
    }

    [Fact]
    public void A_process_failure_keeps_its_type_with_its_outputs_masked()
    {
        const string secret = "sk-late-0123456789";
        var failure = new ProcessFailedException("deploy", 2, "token " + secret, "denied " + secret);
        SecretRedactor.Remember(secret); // Read after the exception was made (a later step of the run).

        var redacted = Assert.IsType<ProcessFailedException>(SecretRedactor.Redact(failure));

        Assert.Equal(2, redacted.ExitCode);
        Assert.Equal("token ***", redacted.StandardOutput);
        Assert.Equal("denied ***", redacted.StandardError);
        Assert.DoesNotContain(secret, redacted.ToString());
    }

    [Fact]
    public void Json_is_masked_in_its_strings_as_written_and_as_escaped_and_stays_valid()
    {
        const string secret = "json<+>&-0123456789";
        SecretRedactor.Remember(secret);
        var json = System.Text.Json.JsonSerializer.Serialize(new[] { "a " + secret, "plain" }, JsonTestContext.Default.StringArray);
        Assert.Contains("\\u003C", json); // escaped by the serializer: the plain value is not in the text

        Assert.Equal("""["a ***","plain"]""", SecretRedactor.RedactJson(json));
        var masked = SecretRedactor.RedactJson("{\"out\":" + json + ",\"n\":12,\"raw\":\"" + secret + "\"}")!;

        Assert.Equal("""{"out":["a ***","plain"],"n":12,"raw":"***"}""", masked);
        const string untouched = """{"n":1}""";
        Assert.Same(untouched, SecretRedactor.RedactJson(untouched));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class JsonTestContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
