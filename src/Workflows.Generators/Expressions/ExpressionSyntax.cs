using Workflows.Generators.Common;

namespace Workflows.Generators.Expressions;

/// <summary>
/// A node of a parsed <c>${{ }}</c> expression. <see cref="Start"/> is an index into the text given to
/// <see cref="ExpressionParser.Parse"/>, so a node inside a larger YAML value still points at itself.
/// Parentheses leave no node of their own: the inner node's span is widened to cover them.
/// </summary>
internal abstract record ExpressionSyntax(int Start, int Length)
{
    public int End => Start + Length;
}

internal enum LiteralExpressionKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// <see cref="Text"/> is the source text. <see cref="Value"/> is the string with escapes resolved for strings,
/// the source text for numbers (typing them is the binder's call), a <see cref="bool"/> for booleans, and null for null.
/// </summary>
internal sealed record LiteralExpression(int Start, int Length, LiteralExpressionKind Kind, string Text, object? Value)
    : ExpressionSyntax(Start, Length);

/// <summary>A name such as <c>steps</c>, <c>inputs</c> or <c>deploy-dev</c>.</summary>
internal sealed record IdentifierExpression(int Start, int Length, string Name) : ExpressionSyntax(Start, Length);

/// <summary><c>target.Name</c>.</summary>
internal sealed record MemberAccessExpression(int Start, int Length, ExpressionSyntax Target, string Name, int NameStart)
    : ExpressionSyntax(Start, Length);

/// <summary><c>target[index]</c>.</summary>
internal sealed record IndexExpression(int Start, int Length, ExpressionSyntax Target, ExpressionSyntax Index)
    : ExpressionSyntax(Start, Length);

/// <summary><c>name(arguments)</c>: only a bare name can be called, so functions are a fixed set the binder knows.</summary>
internal sealed record CallExpression(int Start, int Length, string Name, int NameStart, EquatableArray<ExpressionSyntax> Arguments)
    : ExpressionSyntax(Start, Length);

internal enum UnaryOperator
{
    /// <summary><c>!</c></summary>
    Not,

    /// <summary><c>-</c></summary>
    Negate,
}

/// <summary>The operator is the first character of the node, at <see cref="ExpressionSyntax.Start"/>.</summary>
internal sealed record UnaryExpression(int Start, int Length, UnaryOperator Operator, ExpressionSyntax Operand)
    : ExpressionSyntax(Start, Length);

internal enum BinaryOperator
{
    Equal,
    NotEqual,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    And,
    Or,
    Add,
    Subtract,
    Coalesce,
}

internal sealed record BinaryExpression(
    int Start,
    int Length,
    BinaryOperator Operator,
    ExpressionSyntax Left,
    ExpressionSyntax Right,
    int OperatorStart)
    : ExpressionSyntax(Start, Length)
{
    public string OperatorText => Operator.ToText();
}

internal static class ExpressionOperators
{
    public static string ToText(this UnaryOperator op) => op == UnaryOperator.Not ? "!" : "-";

    public static string ToText(this BinaryOperator op) => op switch
    {
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.LessThan => "<",
        BinaryOperator.LessThanOrEqual => "<=",
        BinaryOperator.GreaterThan => ">",
        BinaryOperator.GreaterThanOrEqual => ">=",
        BinaryOperator.And => "&&",
        BinaryOperator.Or => "||",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        _ => "??",
    };
}
