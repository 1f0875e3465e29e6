using System.Collections.Generic;
using YamlDotNet.Core;

namespace Workflows.Generators.Yaml;

/// <summary>A 0-based position in the text: character offset, line and column.</summary>
internal readonly record struct TextPosition(int Offset, int Line, int Column);

/// <summary>
/// A minimal YAML node tree with positions. Built iteratively by <see cref="YamlTreeReader"/> so that no
/// input, however deeply nested, can exhaust the compiler's stack.
/// </summary>
internal abstract class YamlNode
{
    protected YamlNode(TextPosition start, TextPosition end)
    {
        Start = start;
        End = end;
    }

    public TextPosition Start { get; }

    public TextPosition End { get; internal set; }

    /// <summary>The collection's anchor, remembered only once it is complete.</summary>
    public AnchorName Anchor { get; internal set; }

    /// <summary>How many nodes the subtree holds once aliases are expanded (itself included).</summary>
    public int Weight { get; internal set; } = 1;

    /// <summary>How many levels the subtree spans once aliases are expanded (1 for a scalar).</summary>
    public int Height { get; internal set; } = 1;

    /// <summary>What the node is, for messages: "a string", "a list", "a mapping".</summary>
    public abstract string KindDescription { get; }
}

internal sealed class YamlScalar : YamlNode
{
    public YamlScalar(string value, bool isPlain, TextPosition start, TextPosition end, TextPosition? exactContentStart = null)
        : base(start, end)
    {
        Value = value;
        IsPlain = isPlain;
        ExactContentStart = exactContentStart;
    }

    /// <summary>
    /// Where <see cref="Value"/>'s first character stands in the file, when every character of the value
    /// stands on one line exactly as written (no escapes, no folding), so positions inside it are exact.
    /// </summary>
    public TextPosition? ExactContentStart { get; }

    public string Value { get; }

    /// <summary>False for quoted and block scalars, whose text is always a string.</summary>
    public bool IsPlain { get; }

    /// <summary>YAML's null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindDescription => IsNull ? "null" : "a scalar";
}

internal sealed class YamlSequence : YamlNode
{
    public YamlSequence(TextPosition start)
        : base(start, start)
    {
    }

    public List<YamlNode> Items { get; } = new();

    public override string KindDescription => "a list";
}

internal sealed class YamlMapping : YamlNode
{
    public YamlMapping(TextPosition start)
        : base(start, start)
    {
    }

    public List<KeyValuePair<YamlNode, YamlNode>> Entries { get; } = new();

    public override string KindDescription => "a mapping";
}
