using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Workflows.Generators.Yaml;

/// <summary>The outcome of reading a file: a root node, or the first syntax error and where it is.</summary>
internal readonly record struct YamlReadResult(YamlNode? Root, string? Error, TextPosition ErrorPosition);

/// <summary>
/// Turns YAML (or JSON, which YAML's flow style covers) into a <see cref="YamlNode"/> tree using
/// YamlDotNet's event parser. Never throws: every problem becomes an error with a position.
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>No workflow is anywhere near this deep; the limit keeps hostile input cheap.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Nodes a file may hold once aliases are expanded: far beyond any real workflow, and it stops a few nested
    /// aliases from growing into billions of nodes (the "billion laughs") for every reader of the tree.
    /// </summary>
    public const int MaxExpandedNodes = 1_000_000;

    /// <summary>Two million characters: far beyond any real workflow, small enough to parse in well under a second.</summary>
    public const int MaxLength = 2_000_000;

    private static readonly Regex s_markPrefix = new(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant);

    public static YamlReadResult Read(string text)
    {
        if (text.Length > MaxLength)
        {
            return new YamlReadResult(null, $"the file has {text.Length} characters, more than the {MaxLength} a workflow file may have", default);
        }

        TextPosition lastPosition = default;
        var lines = new LineMap(text);
        try
        {
            return ReadCore(text, lines, ref lastPosition);
        }
        catch (YamlException exception)
        {
            var position = exception.Start.Line > 0 ? lines.At(exception.Start) : lastPosition;
            var message = s_markPrefix.Replace(exception.Message, string.Empty);
            var (plain, at) = YamlErrorMessages.Explain(text, lines, message, position);
            return new YamlReadResult(null, plain, at);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // YamlDotNet occasionally reports bad input with a general exception type, whose text means nothing to
            // a reader of the workflow file: explain from the text alone.
            var (plain, at) = YamlErrorMessages.Explain(text, lines, null, lastPosition);
            return new YamlReadResult(null, plain, at);
        }
    }

    private static YamlReadResult ReadCore(string text, LineMap lines, ref TextPosition lastPosition)
    {
        var parser = new Parser(new StringReader(text));
        var stack = new List<YamlNode>();
        var pendingKeys = new List<YamlNode?>();
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        YamlNode? root = null;
        var documents = 0;
        long expandedNodes = 0;
        string? error = null;

        while (parser.MoveNext())
        {
            var current = parser.Current!;
            lastPosition = lines.At(current.Start);
            switch (current)
            {
                case DocumentStart:
                    documents++;
                    if (documents > 1)
                    {
                        return new YamlReadResult(null, "a workflow file holds exactly one YAML document; remove the second '---'", lastPosition);
                    }

                    break;

                case Scalar scalar:
                {
                    var start = lines.At(scalar.Start);
                    var node = new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain, start, lines.At(scalar.End), ExactContentStart(text, scalar, start));
                    Remember(anchors, scalar.Anchor, node);
                    if (!Attach(node))
                    {
                        return new YamlReadResult(null, error, lastPosition);
                    }

                    break;
                }

                case SequenceStart sequenceStart:
                {
                    if (stack.Count >= MaxDepth)
                    {
                        return DepthError(lastPosition);
                    }

                    // The anchor is remembered when the list ends: an alias inside it would make the tree a cycle.
                    var node = new YamlSequence(lines.At(sequenceStart.Start)) { Anchor = sequenceStart.Anchor };
                    stack.Add(node);
                    pendingKeys.Add(null);
                    break;
                }

                case MappingStart mappingStart:
                {
                    if (stack.Count >= MaxDepth)
                    {
                        return DepthError(lastPosition);
                    }

                    var node = new YamlMapping(lines.At(mappingStart.Start)) { Anchor = mappingStart.Anchor };
                    stack.Add(node);
                    pendingKeys.Add(null);
                    break;
                }

                case SequenceEnd:
                case MappingEnd:
                {
                    var node = stack[stack.Count - 1];
                    stack.RemoveAt(stack.Count - 1);
                    pendingKeys.RemoveAt(pendingKeys.Count - 1);
                    node.End = lines.At(current.End);
                    Remember(anchors, node.Anchor, node);
                    if (!Attach(node))
                    {
                        return new YamlReadResult(null, error, lastPosition);
                    }

                    break;
                }

                case AnchorAlias alias:
                {
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        var open = stack.Exists(n => !n.Anchor.IsEmpty && n.Anchor.Value == alias.Value.Value);
                        return new YamlReadResult(
                            null,
                            open
                                ? $"the alias '*{alias.Value.Value}' stands inside the node its anchor names; a node cannot contain itself"
                                : $"the alias '*{alias.Value.Value}' names no anchor defined before it",
                            lastPosition);
                    }

                    if (!Attach(target, alias: true))
                    {
                        return new YamlReadResult(null, error, lastPosition);
                    }

                    break;
                }
            }
        }

        return new YamlReadResult(root, null, default);

        // Every node, and every alias expanded in place, counts toward the depth and size limits, so a tree
        // that passes can be walked recursively and in full by every reader.
        bool Attach(YamlNode node, bool alias = false)
        {
            expandedNodes += alias ? node.Weight : 1;
            if (expandedNodes > MaxExpandedNodes)
            {
                error = $"the file expands to more than {MaxExpandedNodes} nodes once its aliases are replaced by what they name";
                return false;
            }

            if (stack.Count + node.Height > MaxDepth + 1)
            {
                error = $"the file nests more than {MaxDepth} levels deep once its aliases are replaced by what they name";
                return false;
            }

            if (stack.Count == 0)
            {
                root ??= node;
                return true;
            }

            var top = stack.Count - 1;
            var parent = stack[top];
            parent.Weight = (int)Math.Min(int.MaxValue, (long)parent.Weight + node.Weight);
            parent.Height = Math.Max(parent.Height, node.Height + 1);
            switch (stack[top])
            {
                case YamlSequence sequence:
                    sequence.Items.Add(node);
                    break;
                case YamlMapping mapping:
                    if (pendingKeys[top] is { } key)
                    {
                        mapping.Entries.Add(new KeyValuePair<YamlNode, YamlNode>(key, node));
                        pendingKeys[top] = null;
                    }
                    else
                    {
                        pendingKeys[top] = node;
                    }

                    break;
            }

            return true;
        }
    }

    private static TextPosition? ExactContentStart(string text, Scalar scalar, TextPosition start)
    {
        var quote = scalar.Style switch
        {
            ScalarStyle.Plain => 0,
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => 1,
            _ => -1,
        };
        var offset = start.Offset + quote;
        if (quote < 0 || offset + scalar.Value.Length > text.Length
            || string.CompareOrdinal(text, offset, scalar.Value, 0, scalar.Value.Length) != 0
            || scalar.Value.IndexOf('\n') >= 0)
        {
            return null;
        }

        return new TextPosition(offset, start.Line, start.Column + quote);
    }

    private static YamlReadResult DepthError(TextPosition position)
        => new(null, $"the file nests more than {MaxDepth} levels deep", position);

    private static void Remember(Dictionary<string, YamlNode> anchors, AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }
}
