namespace Workflows.Generators.Model;

/// <summary>A scalar from a workflow file together with where it was written.</summary>
internal readonly record struct LocatedString(string Value, SourceSpan Span);
