using System.ComponentModel;

namespace Workflows.Runtime;

/// <summary>Helpers for generated code. Not meant to be used directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Nulls
{
    /// <summary>
    /// <c>value is null</c>, as a test C#'s nullable flow analysis learns nothing from. A workflow's
    /// <c>x == null</c> or <c>x ?? y</c> on a reference declared non-null, written as such in generated code,
    /// would make C# treat <c>x</c> as maybe-null from there on in the run's method, so a later step's
    /// <c>x.Member</c> or argument <c>x</c> would warn (CS8602, CS8604) though nothing there can be null that
    /// could not be before.
    /// </summary>
    public static bool IsNull(object? value) => value is null;
}
