using System.Collections.Generic;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>
/// A type-checked expression: the C# that computes it and its type.
/// </summary>
/// <param name="Code">C# code, parenthesized where precedence could matter.</param>
/// <param name="Type">The <see cref="TypeShape.Name"/> of its type (<see cref="Types.TypeCatalog.Null"/> for <c>null</c>).</param>
/// <param name="MaybeNull">True when a member on the path is annotated nullable.</param>
/// <param name="NumberLiteral">The source text of a number literal, which may still take the type its context asks for.</param>
/// <param name="UnguardedReads">Outputs of maybe-skipped steps read without a <c>??</c> fallback (step index, span).</param>
/// <param name="GuardStep">The step whose output this value was read from, for a <c>??</c> to guard.</param>
/// <param name="MayYieldRead">
/// True when the value may be a variable or member chain read as it is (<c>a ?? order.Note</c> may be
/// <c>order.Note</c>): C#'s flow analysis may know that one as maybe-null after a null test elsewhere, whatever its type says.
/// </param>
internal sealed record BoundExpression(
    string Code,
    string Type,
    bool MaybeNull = false,
    string? NumberLiteral = null,
    IReadOnlyList<(int Step, SourceSpan Span)>? UnguardedReads = null,
    StepReference? GuardStep = null,
    bool MayYieldRead = false);

/// <summary>What an expression may know about a step it reads.</summary>
internal sealed record StepReference(
    int Index,
    string Id,
    string ActionName,
    string? OutputTypeName,
    string OutputVariable,
    string SucceededVariable,
    bool MaybeSkipped,
    string? FailedVariable = null,
    bool OutputMaybeNull = false);
