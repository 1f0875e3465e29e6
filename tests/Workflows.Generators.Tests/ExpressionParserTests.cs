using System;
using System.Linq;
using System.Text;
using Workflows.Generators.Expressions;
using Xunit;

namespace Workflows.Generators.Tests;

/// <summary>The <c>${{ }}</c> expression lexer, parser and the splitter that finds the holes in a YAML value.</summary>
public sealed class ExpressionParserTests
{
    private const string NoClose = "'${{' has no closing '}}'.";

    /// <summary>Fully parenthesized, so precedence and associativity show in the text.</summary>
    private static string Render(ExpressionSyntax node) => node switch
    {
        LiteralExpression literal => literal.Text,
        IdentifierExpression identifier => identifier.Name,
        MemberAccessExpression member => $"{Render(member.Target)}.{member.Name}",
        IndexExpression index => $"{Render(index.Target)}[{Render(index.Index)}]",
        CallExpression call => $"{call.Name}({string.Join(", ", call.Arguments.Select(Render))})",
        UnaryExpression unary => $"({unary.Operator.ToText()}{Render(unary.Operand)})",
        BinaryExpression binary => $"({Render(binary.Left)} {binary.OperatorText} {Render(binary.Right)})",
        _ => throw new InvalidOperationException(node.GetType().Name),
    };

    private static ExpressionSyntax ParseOk(string text, int offset = 0, int length = -1)
    {
        var result = ExpressionParser.Parse(text, offset, length);
        Assert.True(result.Error is null, $"Unexpected error: {result.Error}");
        Assert.NotNull(result.Expression);
        return result.Expression!;
    }

    private static ExpressionError ParseError(string text, int offset = 0, int length = -1)
    {
        var result = ExpressionParser.Parse(text, offset, length);
        Assert.True(result.Expression is null, $"Expected an error, parsed: {(result.Expression is null ? "" : Render(result.Expression))}");
        Assert.NotNull(result.Error);
        return result.Error!;
    }

    [Theory]
    [InlineData("a || b && c", "(a || (b && c))")]
    [InlineData("a && b || c", "((a && b) || c)")]
    [InlineData("a == b && c != d", "((a == b) && (c != d))")]
    [InlineData("a < b == c >= d", "((a < b) == (c >= d))")]
    [InlineData("a <= b != c > d", "((a <= b) != (c > d))")]
    [InlineData("a + b < c - d", "((a + b) < (c - d))")]
    [InlineData("a - b - c", "((a - b) - c)")]
    [InlineData("a + b - c + d", "(((a + b) - c) + d)")]
    [InlineData("a || b || c", "((a || b) || c)")]
    [InlineData("a == b == c", "((a == b) == c)")]
    [InlineData("a ?? b ?? c", "(a ?? (b ?? c))")]
    [InlineData("a || b ?? c", "((a || b) ?? c)")]
    [InlineData("a ?? b || c", "(a ?? (b || c))")]
    [InlineData("a ?? b == c ?? d", "(a ?? ((b == c) ?? d))")]
    [InlineData("!a && b", "((!a) && b)")]
    [InlineData("!a == b", "((!a) == b)")]
    [InlineData("!a.b", "(!a.b)")]
    [InlineData("-a + b", "((-a) + b)")]
    [InlineData("- -a", "(-(-a))")]
    [InlineData("!!a", "(!(!a))")]
    [InlineData("-1", "(-1)")]
    [InlineData("(a || b) && c", "((a || b) && c)")]
    [InlineData("a + (b + c)", "(a + (b + c))")]
    [InlineData("(a ?? b) ?? c", "((a ?? b) ?? c)")]
    [InlineData("!(a && b)", "(!(a && b))")]
    [InlineData("(a).b[0]", "a.b[0]")]
    [InlineData("x[1 + 2]", "x[(1 + 2)]")]
    [InlineData("a[b[c]]", "a[b[c]]")]
    [InlineData("f(a)[0].b", "f(a)[0].b")]
    [InlineData("  a  .  b  [ 0 ]  ", "a.b[0]")]
    [InlineData("a\t&&\nb", "(a && b)")]
    [InlineData("steps.load.output.Customer.Id", "steps.load.output.Customer.Id")]
    [InlineData("steps.deploy-dev.output[0].Name", "steps.deploy-dev.output[0].Name")]
    [InlineData("contains(inputs.tags, 'x') && !failure()", "(contains(inputs.tags, 'x') && (!failure()))")]
    [InlineData("format('{0}-{1}', a, b.c)", "format('{0}-{1}', a, b.c)")]
    [InlineData("always()", "always()")]
    [InlineData("a.true.null", "a.true.null")]
    public void Operators_bind_by_precedence_and_associativity(string text, string expected)
        => Assert.Equal(expected, Render(ParseOk(text)));

    [Theory]
    [InlineData("a-b", "a-b")]
    [InlineData("a-1", "a-1")]
    [InlineData("deploy-dev-2", "deploy-dev-2")]
    [InlineData("_x-_y", "_x-_y")]
    [InlineData("a - b", "(a - b)")]
    [InlineData("a -b", "(a - b)")]
    [InlineData("a- b", "(a - b)")]
    [InlineData("a--b", "(a - (-b))")]
    [InlineData("1-2", "(1 - 2)")]
    [InlineData("a.b-c", "a.b-c")]
    [InlineData("a.b -c", "(a.b - c)")]
    public void A_dash_between_identifier_characters_is_part_of_the_name(string text, string expected)
        => Assert.Equal(expected, Render(ParseOk(text)));

    [Fact]
    public void Member_and_index_chains_nest_to_the_left()
    {
        var name = Assert.IsType<MemberAccessExpression>(ParseOk("steps.deploy-dev.output[0].Name"));
        Assert.Equal("Name", name.Name);
        var index = Assert.IsType<IndexExpression>(name.Target);
        var zero = Assert.IsType<LiteralExpression>(index.Index);
        Assert.Equal(LiteralExpressionKind.Number, zero.Kind);
        var output = Assert.IsType<MemberAccessExpression>(index.Target);
        Assert.Equal("output", output.Name);
        var step = Assert.IsType<MemberAccessExpression>(output.Target);
        Assert.Equal("deploy-dev", step.Name);
        Assert.Equal("steps", Assert.IsType<IdentifierExpression>(step.Target).Name);
    }

    [Fact]
    public void Calls_hold_the_function_name_and_arguments()
    {
        var and = Assert.IsType<BinaryExpression>(ParseOk("contains(inputs.tags, 'x') && !failure()"));
        Assert.Equal(BinaryOperator.And, and.Operator);

        var contains = Assert.IsType<CallExpression>(and.Left);
        Assert.Equal("contains", contains.Name);
        Assert.Equal(0, contains.NameStart);
        Assert.Equal(2, contains.Arguments.Count);
        Assert.IsType<MemberAccessExpression>(contains.Arguments[0]);
        Assert.Equal("x", Assert.IsType<LiteralExpression>(contains.Arguments[1]).Value);

        var not = Assert.IsType<UnaryExpression>(and.Right);
        Assert.Equal(UnaryOperator.Not, not.Operator);
        var failure = Assert.IsType<CallExpression>(not.Operand);
        Assert.Equal("failure", failure.Name);
        Assert.Empty(failure.Arguments);
    }

    [Theory]
    [InlineData("'abc'", "abc")]
    [InlineData("''", "")]
    [InlineData("'it''s'", "it's")]
    [InlineData("''''", "'")]
    [InlineData(@"'a\nb'", @"a\nb")]
    [InlineData("'a\"b'", "a\"b")]
    [InlineData("'}}'", "}}")]
    [InlineData("\"abc\"", "abc")]
    [InlineData("\"\"", "")]
    [InlineData(@"""a\""b""", "a\"b")]
    [InlineData(@"""a\\b""", @"a\b")]
    [InlineData(@"""x\ny\tz\r""", "x\ny\tz\r")]
    [InlineData("\"it's\"", "it's")]
    public void String_literals_resolve_escapes(string text, string expected)
    {
        var literal = Assert.IsType<LiteralExpression>(ParseOk(text));
        Assert.Equal(LiteralExpressionKind.String, literal.Kind);
        Assert.Equal(expected, literal.Value);
        Assert.Equal(text, literal.Text);
        Assert.Equal((0, text.Length), (literal.Start, literal.Length));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("0.25")]
    [InlineData("2e3")]
    [InlineData("2E-3")]
    [InlineData("1.5e+10")]
    public void Number_literals_keep_their_source_text(string text)
    {
        var literal = Assert.IsType<LiteralExpression>(ParseOk(text));
        Assert.Equal(LiteralExpressionKind.Number, literal.Kind);
        Assert.Equal(text, literal.Value);
        Assert.Equal(text.Length, literal.Length);
    }

    [Fact]
    public void Keywords_are_literals()
    {
        var t = Assert.IsType<LiteralExpression>(ParseOk("true"));
        Assert.Equal((LiteralExpressionKind.Boolean, (object?)true), (t.Kind, t.Value));
        var f = Assert.IsType<LiteralExpression>(ParseOk("false"));
        Assert.Equal((LiteralExpressionKind.Boolean, (object?)false), (f.Kind, f.Value));
        var n = Assert.IsType<LiteralExpression>(ParseOk("null"));
        Assert.Equal(LiteralExpressionKind.Null, n.Kind);
        Assert.Null(n.Value);

        // Only lower case is a keyword.
        Assert.Equal("True", Assert.IsType<IdentifierExpression>(ParseOk("True")).Name);
    }

    [Fact]
    public void Offsets_index_into_the_whole_text()
    {
        const string text = "echo ${{ steps.a.output.Name == 'x' }} done";
        var start = text.IndexOf("${{", StringComparison.Ordinal) + 3;
        var end = text.IndexOf("}}", StringComparison.Ordinal);

        var equal = Assert.IsType<BinaryExpression>(ParseOk(text, start, end - start));
        Assert.Equal(text.IndexOf("steps", StringComparison.Ordinal), equal.Start);
        Assert.Equal(text.IndexOf("'x'", StringComparison.Ordinal) + 3, equal.End);
        Assert.Equal(text.IndexOf("==", StringComparison.Ordinal), equal.OperatorStart);

        var member = Assert.IsType<MemberAccessExpression>(equal.Left);
        Assert.Equal(text.IndexOf("Name", StringComparison.Ordinal), member.NameStart);
        Assert.Equal(text.IndexOf("steps", StringComparison.Ordinal), member.Start);
        Assert.Equal("steps.a.output.Name".Length, member.Length);

        var literal = Assert.IsType<LiteralExpression>(equal.Right);
        Assert.Equal((text.IndexOf("'x'", StringComparison.Ordinal), 3), (literal.Start, literal.Length));
    }

    [Fact]
    public void Node_spans_cover_their_source()
    {
        const string text = "xx -(a) + f(b, c)[1] yy";
        var binary = Assert.IsType<BinaryExpression>(ParseOk(text, 3, text.Length - 6));
        Assert.Equal("-(a) + f(b, c)[1]", text.Substring(binary.Start, binary.Length));
        Assert.Equal(text.IndexOf('+'), binary.OperatorStart);

        var negate = Assert.IsType<UnaryExpression>(binary.Left);
        Assert.Equal("-(a)", text.Substring(negate.Start, negate.Length));

        // Parentheses leave no node: the inner node's span widens to include them.
        var a = Assert.IsType<IdentifierExpression>(negate.Operand);
        Assert.Equal("(a)", text.Substring(a.Start, a.Length));

        var index = Assert.IsType<IndexExpression>(binary.Right);
        Assert.Equal("f(b, c)[1]", text.Substring(index.Start, index.Length));
        var call = Assert.IsType<CallExpression>(index.Target);
        Assert.Equal("f(b, c)", text.Substring(call.Start, call.Length));
        Assert.Equal(text.IndexOf('c'), call.Arguments[1].Start);
    }

    [Theory]
    [InlineData("", 0, 0, "Expected an expression but found end of expression.")]
    [InlineData("   ", 3, 0, "Expected an expression but found end of expression.")]
    [InlineData("(a", 2, 0, "Expected ')' but found end of expression.")]
    [InlineData("(a b)", 3, 1, "Expected ')' but found 'b'.")]
    [InlineData("a #", 2, 1, "Unexpected character '#'.")]
    [InlineData("a.*", 2, 1, "Unexpected character '*'.")]
    [InlineData("a $ b", 2, 1, "Unexpected character '$'.")]
    [InlineData("a \u0001", 2, 1, "Unexpected character U+0001.")]
    [InlineData("'abc", 0, 4, "Unterminated string.")]
    [InlineData("a == 'x", 5, 2, "Unterminated string.")]
    [InlineData("\"abc", 0, 4, "Unterminated string.")]
    [InlineData("\"abc\\\"", 0, 6, "Unterminated string.")]
    [InlineData("'it''s", 0, 6, "Unterminated string.")]
    [InlineData("\"a\\qb\"", 2, 2, "Unknown escape sequence '\\q' in string; use \\\", \\\\, \\n, \\t or \\r.")]
    [InlineData("a.", 2, 0, "Expected a member name after '.' but found end of expression.")]
    [InlineData("a.1", 2, 1, "Expected a member name after '.' but found '1'.")]
    [InlineData("a. 'b'", 3, 3, "Expected a member name after '.' but found a string.")]
    [InlineData("a b", 2, 1, "Expected an operator or end of expression but found 'b'.")]
    [InlineData("a )", 2, 1, "Expected an operator or end of expression but found ')'.")]
    [InlineData("'a' 'b'", 4, 3, "Expected an operator or end of expression but found a string.")]
    [InlineData("a = b", 2, 1, "Unexpected character '='. Did you mean '=='?")]
    [InlineData("a & b", 2, 1, "Unexpected character '&'. Did you mean '&&'?")]
    [InlineData("a | b", 2, 1, "Unexpected character '|'. Did you mean '||'?")]
    [InlineData("a ? b", 2, 1, "Unexpected character '?'. Did you mean '??'?")]
    [InlineData("a +", 3, 0, "Expected an expression but found end of expression.")]
    [InlineData("a ++ b", 3, 1, "Expected an expression but found '+'.")]
    [InlineData("a && || b", 5, 2, "Expected an expression but found '||'.")]
    [InlineData("!", 1, 0, "Expected an expression but found end of expression.")]
    [InlineData("f(a,", 4, 0, "Expected an expression but found end of expression.")]
    [InlineData("f(a,)", 4, 1, "Expected an expression but found ')'.")]
    [InlineData("f(,)", 2, 1, "Expected an expression but found ','.")]
    [InlineData("f(a b)", 4, 1, "Expected ',' or ')' but found 'b'.")]
    [InlineData("f(a", 3, 0, "Expected ',' or ')' but found end of expression.")]
    [InlineData("a.b(c)", 3, 1, "Only a function name can be called, as in 'contains(a, b)'.")]
    [InlineData("(f)(x)", 3, 1, "Only a function name can be called, as in 'contains(a, b)'.")]
    [InlineData("f()(x)", 3, 1, "Only a function name can be called, as in 'contains(a, b)'.")]
    [InlineData("true()", 4, 1, "Only a function name can be called, as in 'contains(a, b)'.")]
    [InlineData("a[1", 3, 0, "Expected ']' but found end of expression.")]
    [InlineData("a[]", 2, 1, "Expected an expression but found ']'.")]
    [InlineData("0x1F", 0, 4, "Invalid number '0x1F'.")]
    [InlineData("2e", 0, 2, "Invalid number '2e'.")]
    [InlineData("a + 10px", 4, 4, "Invalid number '10px'.")]
    [InlineData(".5", 0, 1, "Expected an expression but found '.'.")]
    public void Errors_point_at_the_offending_token(string text, int start, int length, string message)
    {
        var error = ParseError(text);
        Assert.Equal(message, error.Message);
        Assert.Equal((start, length), (error.Start, error.Length));
    }

    [Fact]
    public void Error_offsets_index_into_the_whole_text()
    {
        const string text = "run ${{ a + # }} now";
        var error = ParseError(text, 8, 6);
        Assert.Equal(text.IndexOf('#'), error.Start);
        Assert.Equal(1, error.Length);
    }

    [Fact]
    public void The_parser_reads_nothing_past_the_given_length()
    {
        // The closing '}}' and the ')' after it lie outside the range: the parser must report the missing ')'.
        const string text = "${{ (a + b }})";
        var end = text.IndexOf("}}", StringComparison.Ordinal);
        var error = ParseError(text, 3, end - 3);
        Assert.Equal("Expected ')' but found end of expression.", error.Message);
        Assert.Equal((end, 0), (error.Start, error.Length));

        var unterminated = ParseError("x 'a' y", 2, 2);
        Assert.Equal("Unterminated string.", unterminated.Message);
        Assert.Equal((2, 2), (unterminated.Start, unterminated.Length));
    }

    [Fact]
    public void Invalid_ranges_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionParser.Parse("abc", 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionParser.Parse("abc", 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionParser.Parse("abc", -1));
    }

    [Theory]
    [InlineData("(", "a", ")")]
    [InlineData("!", "a", "")]
    [InlineData("-", "a", "")]
    [InlineData("f(", "a", ")")]
    [InlineData("a[", "b", "]")]
    public void Moderate_nesting_parses(string open, string inner, string close)
    {
        const int levels = 40;
        var text = string.Concat(Enumerable.Repeat(open, levels)) + inner + string.Concat(Enumerable.Repeat(close, levels));
        Assert.NotNull(ParseOk(text));
    }

    [Theory]
    [InlineData("(", "a", ")")]
    [InlineData("!", "a", "")]
    [InlineData("-", "a", "")]
    [InlineData("f(", "a", ")")]
    [InlineData("a[", "b", "]")]
    [InlineData("a ?? ", "a", "")]
    [InlineData("a + ", "a", "")]
    [InlineData("", "a", ".b")]
    [InlineData("", "a", "[0]")]
    public void Deep_nesting_is_an_error_not_a_stack_overflow(string open, string inner, string close)
    {
        const int levels = 20_000;
        var text = string.Concat(Enumerable.Repeat(open, levels)) + inner + string.Concat(Enumerable.Repeat(close, levels));
        var error = ParseError(text);
        Assert.Equal("Expression nests too deeply.", error.Message);
        Assert.InRange(error.Start, 0, text.Length);
    }

    [Fact]
    public void The_depth_limit_is_exact()
    {
        static string Nested(int levels) => new string('(', levels) + "a" + new string(')', levels);

        // The whole expression is one level, each pair of parentheses another.
        Assert.NotNull(ParseOk(Nested(ExpressionParser.MaxDepth - 1)));
        var error = ParseError(Nested(ExpressionParser.MaxDepth));
        Assert.Equal("Expression nests too deeply.", error.Message);
    }

    [Fact]
    public void Splitting_text_without_holes_gives_one_text_part()
    {
        var split = InterpolatedText.Split("plain } {{ $ text");
        var text = Assert.IsType<TextPart>(Assert.Single(split.Parts));
        Assert.Equal(("plain } {{ $ text", 0), (text.Text, text.Start));
        Assert.False(split.HasExpressions);
        Assert.False(split.IsSingleExpression);
        Assert.Null(split.Error);

        Assert.Empty(InterpolatedText.Split("").Parts);
    }

    [Fact]
    public void Splitting_separates_text_and_holes()
    {
        const string value = "Hello ${{ inputs.name }}, you are ${{ age + 1 }}!";
        var split = InterpolatedText.Split(value);
        Assert.Null(split.Error);
        Assert.True(split.HasExpressions);
        Assert.False(split.IsSingleExpression);
        Assert.Equal(5, split.Parts.Count);

        Assert.Equal(new TextPart("Hello ", 0), split.Parts[0]);
        var name = Assert.IsType<ExpressionPart>(split.Parts[1]);
        Assert.Equal(" inputs.name ", value.Substring(name.Start, name.Length));
        Assert.Equal("${{ inputs.name }}", value.Substring(name.OuterStart, name.OuterLength));
        Assert.Equal(new TextPart(", you are ", value.IndexOf(',')), split.Parts[2]);
        var age = Assert.IsType<ExpressionPart>(split.Parts[3]);
        Assert.Equal("(age + 1)", Render(ParseOk(value, age.Start, age.Length)));
        Assert.Equal(new TextPart("!", value.Length - 1), split.Parts[4]);
    }

    [Fact]
    public void Adjacent_holes_have_no_text_between()
    {
        var split = InterpolatedText.Split("${{a}}${{b}}");
        Assert.Equal(new InterpolationPart[] { new ExpressionPart(3, 1), new ExpressionPart(9, 1) }, split.Parts);
        Assert.False(split.IsSingleExpression);
    }

    [Theory]
    [InlineData("${{ a }}")]
    [InlineData("  ${{ a }}\n")]
    [InlineData("${{a}}")]
    public void One_hole_with_only_whitespace_around_is_a_single_expression(string value)
    {
        var split = InterpolatedText.Split(value);
        Assert.True(split.IsSingleExpression);
        var hole = split.SingleExpression!;
        Assert.Equal("a", value.Substring(hole.Start, hole.Length).Trim());
    }

    [Theory]
    [InlineData("x${{ a }}")]
    [InlineData("${{ a }}.")]
    [InlineData("${{ a }} ${{ b }}")]
    [InlineData("${{ a")]
    public void Anything_else_is_not_a_single_expression(string value)
        => Assert.False(InterpolatedText.Split(value).IsSingleExpression);

    [Theory]
    [InlineData("${{ 'a }} b' }}", " 'a }} b' ")]
    [InlineData("${{ \"}}\" == x }}", " \"}}\" == x ")]
    [InlineData("${{ 'it''s }}' }}", " 'it''s }}' ")]
    [InlineData("${{ \"a\\\"}}\" }}", " \"a\\\"}}\" ")]
    public void A_closing_brace_pair_inside_a_quoted_string_does_not_end_the_hole(string value, string expression)
    {
        var split = InterpolatedText.Split(value);
        var hole = split.SingleExpression;
        Assert.NotNull(hole);
        Assert.Equal(expression, value.Substring(hole!.Start, hole.Length));
        Assert.NotNull(ParseOk(value, hole.Start, hole.Length));
    }

    [Fact]
    public void An_unclosed_hole_is_an_error_at_its_opening()
    {
        const string value = "ok ${{ a }} then ${{ b ";
        var split = InterpolatedText.Split(value);
        Assert.NotNull(split.Error);
        Assert.Equal(value.LastIndexOf("${{", StringComparison.Ordinal), split.Error!.Start);
        Assert.Equal(3, split.Error.Length);
        Assert.Equal(NoClose, split.Error.Message);

        // Parts still cover the value: the unclosed remainder is text.
        Assert.Equal(4, split.Parts.Count);
        Assert.IsType<ExpressionPart>(split.Parts[1]);
        Assert.Equal(new TextPart("${{ b ", split.Error.Start), split.Parts[3]);
    }

    [Fact]
    public void A_brace_pair_inside_a_closed_string_cannot_close_the_hole()
    {
        var split = InterpolatedText.Split("${{ '}}' ");
        Assert.Equal(NoClose, split.Error?.Message);
        Assert.Equal(0, split.Error!.Start);
    }

    [Fact]
    public void An_unclosed_quote_leaves_the_hole_to_the_next_brace_pair_so_the_parser_reports_the_quote()
    {
        const string value = "${{ 'abc }} tail";
        var split = InterpolatedText.Split(value);
        Assert.Null(split.Error);
        var hole = Assert.IsType<ExpressionPart>(split.Parts[0]);
        Assert.Equal(" 'abc ", value.Substring(hole.Start, hole.Length));
        var error = ParseError(value, hole.Start, hole.Length);
        Assert.Equal("Unterminated string.", error.Message);
        Assert.Equal(value.IndexOf('\''), error.Start);
    }

    [Fact]
    public void Fuzzed_characters_never_throw_and_give_exactly_one_result()
    {
        const string alphabet = "ab_-.,()[]!=<>&|?'\"\\ 0129eE+#$\t\n{}x";
        var random = new Random(20240611);
        var successes = 0;
        for (var i = 0; i < 4000; i++)
        {
            var builder = new StringBuilder();
            var length = random.Next(0, 30);
            for (var j = 0; j < length; j++)
            {
                builder.Append(random.Next(40) == 0 ? (char)random.Next(0, 0xFFFF) : alphabet[random.Next(alphabet.Length)]);
            }

            if (CheckParse(builder.ToString()))
            {
                successes++;
            }
        }

        // Random characters rarely make an expression, but some must, or the check above checked little.
        Assert.InRange(successes, 50, 3950);
    }

    [Fact]
    public void Fuzzed_token_sequences_never_throw_and_give_exactly_one_result()
    {
        string[] tokens =
        [
            "a", "b-c", "f(", "1", "2.5", "'s'", "\"d\"", "true", "null", ".", ".x", ",", "(", ")", "[", "]",
            "!", "-", "+", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "??", " ", "'", "\"",
        ];
        var random = new Random(42);
        var successes = 0;
        for (var i = 0; i < 4000; i++)
        {
            var builder = new StringBuilder();
            var count = random.Next(1, 16);
            for (var j = 0; j < count; j++)
            {
                builder.Append(tokens[random.Next(tokens.Length)]);
                if (random.Next(2) == 0)
                {
                    builder.Append(' ');
                }
            }

            if (CheckParse(builder.ToString()))
            {
                successes++;
            }
        }

        Assert.InRange(successes, 50, 3950);
    }

    [Fact]
    public void Fuzzed_values_split_into_parts_that_cover_the_value()
    {
        string[] pieces = ["${{", "}}", "'", "\"", "\\", "a", " ", "}", "{", "$", "x == 'y'"];
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var builder = new StringBuilder();
            var count = random.Next(0, 12);
            for (var j = 0; j < count; j++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var value = builder.ToString();
            var split = InterpolatedText.Split(value);
            var rebuilt = new StringBuilder();
            foreach (var part in split.Parts)
            {
                Assert.Equal(rebuilt.Length, part is ExpressionPart expression ? expression.OuterStart : part.Start);
                switch (part)
                {
                    case TextPart text:
                        rebuilt.Append(text.Text);
                        break;
                    case ExpressionPart hole:
                        rebuilt.Append(value, hole.OuterStart, hole.OuterLength);
                        Assert.StartsWith("${{", value.Substring(hole.OuterStart), StringComparison.Ordinal);
                        Assert.Equal("}}", value.Substring(hole.Start + hole.Length, 2));
                        CheckParse(value, hole.Start, hole.Length);
                        break;
                }
            }

            Assert.Equal(value, rebuilt.ToString());
        }
    }

    /// <summary>Parses inside padding, checks the result's invariants and returns whether it parsed.</summary>
    private static bool CheckParse(string text)
    {
        var padded = "}} " + text + " ${{";
        return CheckParse(padded, 3, text.Length);
    }

    private static bool CheckParse(string text, int offset, int length)
    {
        var result = ExpressionParser.Parse(text, offset, length);
        Assert.True((result.Expression is null) != (result.Error is null), $"Exactly one of expression and error for: {text}");
        if (result.Error is { } error)
        {
            Assert.InRange(error.Start, offset, offset + length);
            Assert.InRange(error.Start + error.Length, error.Start, offset + length);
            Assert.False(string.IsNullOrEmpty(error.Message));
            return false;
        }

        var expression = result.Expression!;
        Assert.InRange(expression.Start, offset, offset + length);
        Assert.InRange(expression.End, expression.Start + 1, offset + length);

        // The fully parenthesized rendering means the same thing.
        var rendered = Render(expression);
        var reparsed = ExpressionParser.Parse(rendered);
        if (reparsed.Error?.Message != "Expression nests too deeply.")
        {
            Assert.True(reparsed.Expression is not null, $"'{rendered}' (from '{text.Substring(offset, length)}') does not parse: {reparsed.Error}");
            Assert.Equal(rendered, Render(reparsed.Expression!));
        }

        return true;
    }
}
