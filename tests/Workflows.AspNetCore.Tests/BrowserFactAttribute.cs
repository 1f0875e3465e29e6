using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Workflows.AspNetCore.Tests;

/// <summary>
/// A test that drives Chromium: reported as not run, with <see cref="Chromium.HowToEnable"/> as the reason, when no
/// Chromium is installed, unless <c>WORKFLOWS_REQUIRE_BROWSER=1</c> (as CI sets it): then it runs, and fails. Decided at
/// discovery, as xunit 2 has no skip at run time.
/// </summary>
[XunitTestCaseDiscoverer("Workflows.AspNetCore.Tests.BrowserAwareDiscoverer", "Workflows.AspNetCore.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
}

/// <summary>Where Chromium is: <c>WORKFLOWS_CHROMIUM</c>, else <c>chromium</c> (Debian's package) on the PATH.</summary>
public static class Chromium
{
    public const string HowToEnable = "Browser test not run: install Chromium ('apt-get install -y chromium') or set WORKFLOWS_CHROMIUM to its executable; WORKFLOWS_REQUIRE_BROWSER=1 makes this a failure.";

    public static string? Executable { get; } = Find();

    public static bool Required => Environment.GetEnvironmentVariable("WORKFLOWS_REQUIRE_BROWSER") == "1";

    /// <summary>Null when the test can run (or must, and then fails without a browser); else why it is not run.</summary>
    public static string? NotRunReason => Executable is null && !Required ? HowToEnable : null;

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("WORKFLOWS_CHROMIUM") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : null;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>Discovers <see cref="BrowserFactAttribute"/> tests.</summary>
public sealed class BrowserAwareDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private static int s_told;

    public System.Collections.Generic.IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var testCase = new BrowserAwareTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
        if (Chromium.NotRunReason is { } reason && Interlocked.Exchange(ref s_told, 1) == 0)
        {
            diagnosticMessageSink.OnMessage(new DiagnosticMessage(reason)); // once, in the test command's output
        }

        return [testCase];
    }
}

/// <summary>A test case whose skip reason is <see cref="Chromium.HowToEnable"/> when there is no browser.</summary>
public sealed class BrowserAwareTestCase : XunitTestCase
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public BrowserAwareTestCase()
    {
    }

    public BrowserAwareTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => base.GetSkipReason(factAttribute) ?? Chromium.NotRunReason!;
}
