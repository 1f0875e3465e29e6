using System;
using System.Threading.Tasks;
using Workflows.Runtime;
using Xunit;

namespace Workflows.CommandLine.Tests;

public sealed class SecretOutputTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_never_prints_a_secret_the_run_read()
    {
        const string secret = "sk-printed-0123456789";
        SecretRedactor.Remember(secret);

        Assert.Equal(0, await _cli.RunAsync([Registrations.Greet()], "run", "greet", "--input", "name=" + secret));

        Assert.DoesNotContain("0123456789", _cli.OutText);
        Assert.Contains("hello ***", _cli.OutText);
    }
}
