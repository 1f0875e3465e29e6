using System;
using System.Collections.Generic;
using YamlDotNet.Core;

namespace Workflows.Generators.Yaml;

/// <summary>
/// Turns character offsets into line and column the way Roslyn counts them, clamped to the text: YamlDotNet's own
/// marks can name a line past the last one (the end of a file without a final newline), and every position
/// reported must point inside the file.
/// </summary>
internal sealed class LineMap
{
    private readonly List<int> _starts = new() { 0 };
    private readonly int _length;

    public LineMap(string text)
    {
        _length = text.Length;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                _starts.Add(i + 1);
            }
            else if (c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029')
            {
                _starts.Add(i + 1);
            }
        }
    }

    /// <summary>The number of lines, counting the (possibly empty) one after a final line break.</summary>
    public int LineCount => _starts.Count;

    /// <summary>The position of a YamlDotNet mark, from its character index.</summary>
    public TextPosition At(Mark mark) => At((int)Math.Max(0, Math.Min(int.MaxValue, mark.Index)));

    public TextPosition At(int offset)
    {
        offset = Math.Max(0, Math.Min(_length, offset));
        var line = _starts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new TextPosition(offset, line, offset - _starts[line]);
    }

    /// <summary>The offset where <paramref name="line"/> (0-based, clamped) starts.</summary>
    public int StartOf(int line) => _starts[Math.Max(0, Math.Min(_starts.Count - 1, line))];
}
