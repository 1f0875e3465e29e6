using System;
using System.Collections.Generic;
using Workflows.Generators.Common;

namespace Workflows.Generators.Expressions;

/// <summary>A problem in an expression; <see cref="Start"/> is an index into the parsed text.</summary>
internal sealed record ExpressionError(int Start, int Length, string Message);

/// <summary>Exactly one of <see cref="Expression"/> and <see cref="Error"/> is set.</summary>
internal sealed record ExpressionParseResult(ExpressionSyntax? Expression, ExpressionError? Error)
{
    public bool IsSuccess => Expression is not null;
}

/// <summary>
/// Parses the inside of <c>${{ }}</c>. Precedence, low to high: <c>??</c> (right-associative), <c>||</c>, <c>&amp;&amp;</c>,
/// <c>== !=</c>, <c>&lt; &lt;= &gt; &gt;=</c>, <c>+ -</c>, unary <c>! -</c>, then postfix <c>.name</c>, <c>[index]</c>
/// and <c>name(arguments)</c>. Stops at the first error and never throws on any text.
/// </summary>
internal sealed class ExpressionParser
{
    /// <summary>
    /// Limits both the parser's recursion and the height of the tree, so neither parsing nor the passes that
    /// walk the tree recursively can overflow the stack.
    /// </summary>
    public const int MaxDepth = 64;

    private const string TooDeep = "Expression nests too deeply.";

    private readonly string _text;
    private readonly ExpressionLexer _lexer;
    private ExpressionToken _current;
    private int _depth;
    private ExpressionError? _error;

    private ExpressionParser(string text, int start, int end)
    {
        _text = text;
        _lexer = new ExpressionLexer(text, start, end);
        _current = _lexer.Next();
    }

    /// <summary>
    /// Parses <c>text[offset..offset+length)</c> (to the end of <paramref name="text"/> when
    /// <paramref name="length"/> is -1). Offsets in the result are indexes into <paramref name="text"/>.
    /// </summary>
    public static ExpressionParseResult Parse(string text, int offset = 0, int length = -1)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        if (offset < 0 || offset > text.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        if (length == -1)
        {
            length = text.Length - offset;
        }
        else if (length < 0 || length > text.Length - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        return new ExpressionParser(text, offset, offset + length).ParseAll();
    }

    private ExpressionParseResult ParseAll()
    {
        var result = ParseExpression(1);
        if (result is not null && _current.Kind != ExpressionTokenKind.EndOfExpression)
        {
            result = Fail(_current, $"Expected an operator or end of expression but found {Describe(_current)}.");
        }

        return result is { } expression
            ? new ExpressionParseResult(expression.Node, null)
            : new ExpressionParseResult(null, _error);
    }

    /// <summary>Parses operators of at least <paramref name="minPrecedence"/>, precedence climbing.</summary>
    private Parsed? ParseExpression(int minPrecedence)
    {
        if (++_depth > MaxDepth)
        {
            return Fail(_current, TooDeep);
        }

        var result = ParseBinary(minPrecedence);
        _depth--;
        return result;
    }

    private Parsed? ParseBinary(int minPrecedence)
    {
        if (ParseUnary() is not { } left)
        {
            return null;
        }

        while (true)
        {
            var op = _current;
            var precedence = Precedence(op.Kind);
            if (precedence == 0 || precedence < minPrecedence)
            {
                return left;
            }

            Advance();

            // '??' is right-associative: its right side may hold another '??'.
            var rightMin = op.Kind == ExpressionTokenKind.QuestionQuestion ? precedence : precedence + 1;
            if (ParseExpression(rightMin) is not { } right)
            {
                return null;
            }

            var height = Math.Max(left.Height, right.Height) + 1;
            if (height > MaxDepth)
            {
                return Fail(op, TooDeep);
            }

            var node = new BinaryExpression(
                left.Node.Start,
                right.Node.End - left.Node.Start,
                ToBinaryOperator(op.Kind),
                left.Node,
                right.Node,
                op.Start);
            left = new Parsed(node, height);
        }
    }

    private Parsed? ParseUnary()
    {
        var op = _current;
        if (op.Kind is not (ExpressionTokenKind.Bang or ExpressionTokenKind.Minus))
        {
            return ParsePostfix();
        }

        Advance();
        if (++_depth > MaxDepth)
        {
            return Fail(_current, TooDeep);
        }

        var operand = ParseUnary();
        _depth--;
        if (operand is not { } parsed)
        {
            return null;
        }

        var unary = new UnaryExpression(
            op.Start,
            parsed.Node.End - op.Start,
            op.Kind == ExpressionTokenKind.Bang ? UnaryOperator.Not : UnaryOperator.Negate,
            parsed.Node);
        return Node(op, unary, parsed.Height + 1);
    }

    private Parsed? ParsePostfix()
    {
        // Only a name written directly can be called: no methods on values, no calling the result of a call.
        var callable = _current.Kind == ExpressionTokenKind.Identifier && !IsKeyword(_current);
        if (ParsePrimary() is not { } target)
        {
            return null;
        }

        while (true)
        {
            var token = _current;
            Parsed? next;
            switch (token.Kind)
            {
                case ExpressionTokenKind.Dot:
                    next = ParseMemberAccess(target);
                    break;
                case ExpressionTokenKind.OpenBracket:
                    next = ParseIndex(target);
                    break;
                case ExpressionTokenKind.OpenParen when callable:
                    next = ParseCall((IdentifierExpression)target.Node);
                    break;
                case ExpressionTokenKind.OpenParen:
                    return Fail(token, "Only a function name can be called, as in 'contains(a, b)'.");
                default:
                    return target;
            }

            if (next is not { } parsed)
            {
                return null;
            }

            target = parsed;
            callable = false;
        }
    }

    private Parsed? ParseMemberAccess(Parsed target)
    {
        var dot = _current;
        Advance();
        var name = _current;
        if (name.Kind != ExpressionTokenKind.Identifier)
        {
            return Fail(name, $"Expected a member name after '.' but found {Describe(name)}.");
        }

        Advance();
        var node = new MemberAccessExpression(
            target.Node.Start,
            name.End - target.Node.Start,
            target.Node,
            TextOf(name),
            name.Start);
        return Node(dot, node, target.Height + 1);
    }

    private Parsed? ParseIndex(Parsed target)
    {
        var open = _current;
        Advance();
        if (ParseExpression(1) is not { } index)
        {
            return null;
        }

        if (Expect(ExpressionTokenKind.CloseBracket, "']'") is not { } close)
        {
            return null;
        }

        var node = new IndexExpression(target.Node.Start, close.End - target.Node.Start, target.Node, index.Node);
        return Node(open, node, Math.Max(target.Height, index.Height) + 1);
    }

    private Parsed? ParseCall(IdentifierExpression name)
    {
        var open = _current;
        Advance();
        var arguments = new List<ExpressionSyntax>();
        var height = 1;
        if (_current.Kind != ExpressionTokenKind.CloseParen)
        {
            while (true)
            {
                if (ParseExpression(1) is not { } argument)
                {
                    return null;
                }

                arguments.Add(argument.Node);
                height = Math.Max(height, argument.Height + 1);
                if (_current.Kind == ExpressionTokenKind.Comma)
                {
                    Advance();
                }
                else if (_current.Kind == ExpressionTokenKind.CloseParen)
                {
                    break;
                }
                else
                {
                    return Fail(_current, $"Expected ',' or ')' but found {Describe(_current)}.");
                }
            }
        }

        var close = _current;
        Advance();
        var node = new CallExpression(
            name.Start,
            close.End - name.Start,
            name.Name,
            name.Start,
            arguments.ToEquatableArray());
        return Node(open, node, height);
    }

    private Parsed? ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case ExpressionTokenKind.Identifier:
                Advance();
                var text = TextOf(token);
                ExpressionSyntax node = text switch
                {
                    "true" => new LiteralExpression(token.Start, token.Length, LiteralExpressionKind.Boolean, text, true),
                    "false" => new LiteralExpression(token.Start, token.Length, LiteralExpressionKind.Boolean, text, false),
                    "null" => new LiteralExpression(token.Start, token.Length, LiteralExpressionKind.Null, text, null),
                    _ => new IdentifierExpression(token.Start, token.Length, text),
                };
                return new Parsed(node, 1);

            case ExpressionTokenKind.Number:
                Advance();
                var number = TextOf(token);
                return new Parsed(new LiteralExpression(token.Start, token.Length, LiteralExpressionKind.Number, number, number), 1);

            case ExpressionTokenKind.String:
                Advance();
                var literal = new LiteralExpression(token.Start, token.Length, LiteralExpressionKind.String, TextOf(token), token.Value);
                return new Parsed(literal, 1);

            case ExpressionTokenKind.OpenParen:
                Advance();
                if (ParseExpression(1) is not { } inner)
                {
                    return null;
                }

                if (Expect(ExpressionTokenKind.CloseParen, "')'") is not { } close)
                {
                    return null;
                }

                // No node for the parentheses, but they count towards the depth as they do for the parser's stack.
                var widened = inner.Node with { Start = token.Start, Length = close.End - token.Start };
                return Node(token, widened, inner.Height + 1);

            default:
                return Fail(token, $"Expected an expression but found {Describe(token)}.");
        }
    }

    private ExpressionToken? Expect(ExpressionTokenKind kind, string display)
    {
        var token = _current;
        if (token.Kind != kind)
        {
            Fail(token, $"Expected {display} but found {Describe(token)}.");
            return null;
        }

        Advance();
        return token;
    }

    private void Advance() => _current = _lexer.Next();

    private Parsed? Node(ExpressionToken at, ExpressionSyntax node, int height)
        => height > MaxDepth ? Fail(at, TooDeep) : new Parsed(node, height);

    /// <summary>Records the first error; a bad token's own message says more than what the parser expected.</summary>
    private Parsed? Fail(ExpressionToken at, string message)
    {
        _error ??= at.Kind == ExpressionTokenKind.Bad
            ? new ExpressionError(at.Start, at.Length, at.Value ?? message)
            : new ExpressionError(at.Start, at.Length, message);
        return null;
    }

    private string TextOf(ExpressionToken token) => _text.Substring(token.Start, token.Length);

    private bool IsKeyword(ExpressionToken token) => TextOf(token) is "true" or "false" or "null";

    private string Describe(ExpressionToken token) => token.Kind switch
    {
        ExpressionTokenKind.EndOfExpression => "end of expression",
        ExpressionTokenKind.String => "a string",
        _ => $"'{TextOf(token)}'",
    };

    private static int Precedence(ExpressionTokenKind kind) => kind switch
    {
        ExpressionTokenKind.QuestionQuestion => 1,
        ExpressionTokenKind.BarBar => 2,
        ExpressionTokenKind.AmpersandAmpersand => 3,
        ExpressionTokenKind.EqualsEquals or ExpressionTokenKind.BangEquals => 4,
        ExpressionTokenKind.Less or ExpressionTokenKind.LessEquals
            or ExpressionTokenKind.Greater or ExpressionTokenKind.GreaterEquals => 5,
        ExpressionTokenKind.Plus or ExpressionTokenKind.Minus => 6,
        _ => 0,
    };

    private static BinaryOperator ToBinaryOperator(ExpressionTokenKind kind) => kind switch
    {
        ExpressionTokenKind.EqualsEquals => BinaryOperator.Equal,
        ExpressionTokenKind.BangEquals => BinaryOperator.NotEqual,
        ExpressionTokenKind.Less => BinaryOperator.LessThan,
        ExpressionTokenKind.LessEquals => BinaryOperator.LessThanOrEqual,
        ExpressionTokenKind.Greater => BinaryOperator.GreaterThan,
        ExpressionTokenKind.GreaterEquals => BinaryOperator.GreaterThanOrEqual,
        ExpressionTokenKind.AmpersandAmpersand => BinaryOperator.And,
        ExpressionTokenKind.BarBar => BinaryOperator.Or,
        ExpressionTokenKind.Plus => BinaryOperator.Add,
        ExpressionTokenKind.Minus => BinaryOperator.Subtract,
        _ => BinaryOperator.Coalesce,
    };

    /// <summary>A node and the height of its tree, parentheses included.</summary>
    private readonly record struct Parsed(ExpressionSyntax Node, int Height);
}
