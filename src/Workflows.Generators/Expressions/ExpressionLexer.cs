using System.Globalization;
using System.Text;

namespace Workflows.Generators.Expressions;

internal enum ExpressionTokenKind
{
    EndOfExpression,
    Identifier,
    Number,
    String,
    Dot,
    Comma,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Bang,
    Plus,
    Minus,
    EqualsEquals,
    BangEquals,
    Less,
    LessEquals,
    Greater,
    GreaterEquals,
    AmpersandAmpersand,
    BarBar,
    QuestionQuestion,

    /// <summary>Text the lexer cannot read; <see cref="ExpressionToken.Value"/> holds the message.</summary>
    Bad,
}

/// <summary>
/// <see cref="Value"/> is the resolved text of a string token or the error message of a bad token.
/// <c>true</c>, <c>false</c> and <c>null</c> are identifiers here: they are still valid member names.
/// </summary>
internal readonly record struct ExpressionToken(ExpressionTokenKind Kind, int Start, int Length, string? Value)
{
    public int End => Start + Length;
}

/// <summary>Reads tokens one at a time from <c>text[start..end)</c>, never looking outside that range.</summary>
internal sealed class ExpressionLexer
{
    private readonly string _text;
    private readonly int _end;
    private int _position;

    public ExpressionLexer(string text, int start, int end)
    {
        _text = text;
        _position = start;
        _end = end;
    }

    public ExpressionToken Next()
    {
        while (_position < _end && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }

        if (_position >= _end)
        {
            return new ExpressionToken(ExpressionTokenKind.EndOfExpression, _end, 0, null);
        }

        var token = Scan(_position, _text[_position]);

        // The parser stops at a bad token, so nothing after it needs reading.
        _position = token.Kind == ExpressionTokenKind.Bad ? _end : token.End;
        return token;
    }

    public static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    public static bool IsIdentifierPart(char c) => char.IsLetter(c) || IsDigit(c) || c == '_';

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private ExpressionToken Scan(int start, char c)
    {
        if (IsIdentifierStart(c))
        {
            return ScanIdentifier(start);
        }

        if (IsDigit(c))
        {
            return ScanNumber(start);
        }

        return c switch
        {
            '\'' => ScanSingleQuoted(start),
            '"' => ScanDoubleQuoted(start),
            '.' => Token(ExpressionTokenKind.Dot, start, 1),
            ',' => Token(ExpressionTokenKind.Comma, start, 1),
            '(' => Token(ExpressionTokenKind.OpenParen, start, 1),
            ')' => Token(ExpressionTokenKind.CloseParen, start, 1),
            '[' => Token(ExpressionTokenKind.OpenBracket, start, 1),
            ']' => Token(ExpressionTokenKind.CloseBracket, start, 1),
            '+' => Token(ExpressionTokenKind.Plus, start, 1),
            '-' => Token(ExpressionTokenKind.Minus, start, 1),
            '!' => Peek(start + 1) == '='
                ? Token(ExpressionTokenKind.BangEquals, start, 2)
                : Token(ExpressionTokenKind.Bang, start, 1),
            '<' => Peek(start + 1) == '='
                ? Token(ExpressionTokenKind.LessEquals, start, 2)
                : Token(ExpressionTokenKind.Less, start, 1),
            '>' => Peek(start + 1) == '='
                ? Token(ExpressionTokenKind.GreaterEquals, start, 2)
                : Token(ExpressionTokenKind.Greater, start, 1),
            '=' => Pair(ExpressionTokenKind.EqualsEquals, start, '='),
            '&' => Pair(ExpressionTokenKind.AmpersandAmpersand, start, '&'),
            '|' => Pair(ExpressionTokenKind.BarBar, start, '|'),
            '?' => Pair(ExpressionTokenKind.QuestionQuestion, start, '?'),
            _ => UnexpectedCharacter(start),
        };
    }

    private char Peek(int position) => position < _end ? _text[position] : '\0';

    private static ExpressionToken Token(ExpressionTokenKind kind, int start, int length) => new(kind, start, length, null);

    private static ExpressionToken Bad(int start, int length, string message) => new(ExpressionTokenKind.Bad, start, length, message);

    /// <summary>Operators written as a doubled character: alone, the character is a likely typo for the pair.</summary>
    private ExpressionToken Pair(ExpressionTokenKind kind, int start, char c)
        => Peek(start + 1) == c
            ? Token(kind, start, 2)
            : Bad(start, 1, $"Unexpected character '{c}'. Did you mean '{c}{c}'?");

    private ExpressionToken UnexpectedCharacter(int start)
    {
        var c = _text[start];
        if (char.IsHighSurrogate(c) && char.IsLowSurrogate(Peek(start + 1)))
        {
            return Bad(start, 2, $"Unexpected character '{_text.Substring(start, 2)}'.");
        }

        // Invisible or half characters would print as nothing useful.
        return char.IsControl(c) || char.IsSurrogate(c) || char.IsWhiteSpace(c)
            ? Bad(start, 1, $"Unexpected character U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}.")
            : Bad(start, 1, $"Unexpected character '{c}'.");
    }

    /// <summary>
    /// A '-' belongs to the identifier only between two identifier characters, so <c>deploy-dev</c> is one name
    /// and subtraction needs spaces.
    /// </summary>
    private ExpressionToken ScanIdentifier(int start)
    {
        var p = start + 1;
        while (p < _end)
        {
            var c = _text[p];
            if (IsIdentifierPart(c) || (c == '-' && p + 1 < _end && IsIdentifierPart(_text[p + 1])))
            {
                p++;
            }
            else
            {
                break;
            }
        }

        return Token(ExpressionTokenKind.Identifier, start, p - start);
    }

    private ExpressionToken ScanNumber(int start)
    {
        var p = SkipDigits(start);
        if (Peek(p) == '.' && IsDigit(Peek(p + 1)))
        {
            p = SkipDigits(p + 1);
        }

        if (Peek(p) is 'e' or 'E')
        {
            var q = Peek(p + 1) is '+' or '-' ? p + 2 : p + 1;
            if (IsDigit(Peek(q)))
            {
                p = SkipDigits(q);
            }
        }

        // "0x1F", "2e", "10px": reject the whole word rather than split it into a number and a name.
        if (p < _end && IsIdentifierPart(_text[p]))
        {
            while (p < _end && IsIdentifierPart(_text[p]))
            {
                p++;
            }

            return Bad(start, p - start, $"Invalid number '{_text.Substring(start, p - start)}'.");
        }

        return Token(ExpressionTokenKind.Number, start, p - start);
    }

    private int SkipDigits(int p)
    {
        while (p < _end && IsDigit(_text[p]))
        {
            p++;
        }

        return p;
    }

    /// <summary>GitHub Actions style: a quote inside is written twice, backslashes are plain characters.</summary>
    private ExpressionToken ScanSingleQuoted(int start)
    {
        var value = new StringBuilder();
        var p = start + 1;
        while (p < _end)
        {
            var c = _text[p];
            if (c == '\'')
            {
                if (Peek(p + 1) != '\'')
                {
                    return new ExpressionToken(ExpressionTokenKind.String, start, p + 1 - start, value.ToString());
                }

                p++;
            }

            value.Append(c);
            p++;
        }

        return Bad(start, _end - start, "Unterminated string.");
    }

    private ExpressionToken ScanDoubleQuoted(int start)
    {
        var value = new StringBuilder();
        var p = start + 1;
        while (p < _end)
        {
            var c = _text[p];
            if (c == '"')
            {
                return new ExpressionToken(ExpressionTokenKind.String, start, p + 1 - start, value.ToString());
            }

            if (c == '\\')
            {
                if (p + 1 >= _end)
                {
                    break;
                }

                var escaped = _text[p + 1];
                switch (escaped)
                {
                    case '"':
                    case '\\':
                        value.Append(escaped);
                        break;
                    case 'n':
                        value.Append('\n');
                        break;
                    case 't':
                        value.Append('\t');
                        break;
                    case 'r':
                        value.Append('\r');
                        break;
                    default:
                        return Bad(p, 2, $"Unknown escape sequence '\\{escaped}' in string; use \\\", \\\\, \\n, \\t or \\r.");
                }

                p += 2;
                continue;
            }

            value.Append(c);
            p++;
        }

        return Bad(start, _end - start, "Unterminated string.");
    }
}
