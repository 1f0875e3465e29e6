using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Workflows.Durability.Tests;

/// <summary>
/// A test that needs a PostgreSQL server: reported as not run, with <see cref="PostgreSqlServer.HowToEnable"/> as the
/// reason, when <see cref="PostgreSqlServer"/> can have none. Decided at discovery, as xunit 2 has no skip at run time.
/// </summary>
[XunitTestCaseDiscoverer("Workflows.Durability.Tests.PostgreSqlAwareDiscoverer", "Workflows.Durability.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgreSqlFactAttribute : FactAttribute
{
}

/// <summary>
/// A test every store must pass (<see cref="StoreConformanceTests"/>): it needs PostgreSQL in a class marked
/// <see cref="UsesPostgreSqlAttribute"/>, and is then reported as not run like a <see cref="PostgreSqlFactAttribute"/>.
/// </summary>
[XunitTestCaseDiscoverer("Workflows.Durability.Tests.PostgreSqlAwareDiscoverer", "Workflows.Durability.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
}

/// <summary>Every test of this class needs a PostgreSQL server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class UsesPostgreSqlAttribute : Attribute
{
}

/// <summary>Discovers <see cref="PostgreSqlFactAttribute"/> and <see cref="StoreFactAttribute"/> tests.</summary>
public sealed class PostgreSqlAwareDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private static int s_told;

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var testCase = new PostgreSqlAwareTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
        if (testCase.SkipReason == PostgreSqlServer.HowToEnable && Interlocked.Exchange(ref s_told, 1) == 0)
        {
            // Once per run, in the test command's output (xunit.runner.json enables diagnostic messages): the skipped
            // tests alone are listed without their reason.
            diagnosticMessageSink.OnMessage(new DiagnosticMessage(PostgreSqlServer.HowToEnable));
        }

        return [testCase];
    }
}

/// <summary>A test case whose skip reason is "PostgreSQL not run: how to enable it" when it needs a server that cannot be had.</summary>
public sealed class PostgreSqlAwareTestCase : XunitTestCase
{
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public PostgreSqlAwareTestCase()
    {
    }

    public PostgreSqlAwareTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var needsServer = TestMethod.Method.GetCustomAttributes(typeof(PostgreSqlFactAttribute)).Any()
            || TestMethod.TestClass.Class.GetCustomAttributes(typeof(UsesPostgreSqlAttribute)).Any();
        return base.GetSkipReason(factAttribute) ?? (needsServer ? PostgreSqlServer.NotRunReason! : null!);
    }
}
