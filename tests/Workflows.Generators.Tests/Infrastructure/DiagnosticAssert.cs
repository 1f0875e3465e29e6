using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Workflows.Generators.Tests.Infrastructure;

internal static class DiagnosticAssert
{
    /// <summary>
    /// Exactly one <paramref name="id"/> at this 1-based line and column, an error, no analyzer exception,
    /// and (since the workflow is invalid) no generated code.
    /// </summary>
    public static Diagnostic SingleError(BuildResult result, string id, int line, int column)
    {
        Assert.Empty(result.AnalyzerExceptions);
        var all = result.WorkflowDiagnostics.ToList();
        var matching = all.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"Expected one {id}, got: {string.Join("; ", all)}");
        var position = matching[0].Location.GetLineSpan().StartLinePosition;
        Assert.Equal((line, column), (position.Line + 1, position.Character + 1));
        Assert.Equal(DiagnosticSeverity.Error, matching[0].Severity);
        Assert.Empty(result.Executors);
        return matching[0];
    }
}
