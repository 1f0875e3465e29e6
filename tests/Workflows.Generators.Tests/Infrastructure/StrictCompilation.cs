using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Workflows.Generators.Tests.Infrastructure;

/// <summary>
/// The strictest build a consumer may have, as far as a <see cref="CSharpCompilation"/> expresses it:
/// nullable enabled, every compiler warning wave (warning level 9999, as <c>AnalysisLevel=latest-all</c>
/// turns on), and warnings as errors.
/// </summary>
internal static class StrictCompilation
{
    /// <summary>Every error and warning of the generated code (the hand-written sources are the tests' own).</summary>
    public static ImmutableArray<Diagnostic> GeneratedCodeProblems(BuildResult result)
    {
        var output = (CSharpCompilation)result.Output;
        var strict = output.WithOptions(output.Options
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithWarningLevel(9999)
            .WithGeneralDiagnosticOption(ReportDiagnostic.Error));
        return strict.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.IsWarningAsError || d.Severity == DiagnosticSeverity.Warning)
            .ToImmutableArray();
    }
}
