using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Workflows.Generators.Model;

/// <summary>
/// A position in a workflow file: character offsets plus 0-based line and column, as Roslyn counts them.
/// Kept instead of <see cref="Location"/> so the models stay value-equatable.
/// </summary>
internal readonly record struct SourceSpan(
    string FilePath,
    int Start,
    int End,
    int StartLine,
    int StartColumn,
    int EndLine,
    int EndColumn)
{
    public static SourceSpan StartOf(string filePath) => new(filePath, 0, 0, 0, 0, 0, 0);

    public Location ToLocation()
        => Location.Create(
            FilePath,
            new TextSpan(Start, End - Start),
            new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));

    /// <summary>1-based line and column, as build output shows them.</summary>
    public override string ToString() => $"{FilePath}({StartLine + 1},{StartColumn + 1})";
}
