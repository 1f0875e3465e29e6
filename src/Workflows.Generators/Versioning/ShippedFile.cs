using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Workflows.Generators.Model;

namespace Workflows.Generators.Versioning;

/// <summary>
/// <c>Workflows.Shipped.txt</c>: what durable runs in flight depend on, per durable workflow, committed next to
/// the project (as <c>PublicAPI.Shipped.txt</c> is). One fact per line, sorted, so a change reads as a small diff:
/// <code>
/// orders | definition | 0f3c2a9e51b7d604
/// orders | input | amount | decimal | required
/// orders | step | charge | payments.charge -> global::Shop.Receipt
/// </code>
/// The first field is the definition name (<c>orders@2</c> for <c>version: 2</c>), the second the kind of entry.
/// A later kind (a signal's name and payload type, say) is one more keyword with its own fields; a reader that does
/// not know a kind reports its line (WF0708) instead of ignoring what runs depend on.
/// </summary>
internal sealed class ShippedFile
{
    public const string FileName = "Workflows.Shipped.txt";

    private const string Separator = " | ";

    private static readonly char[] s_bar = { '|' };

    public const string Header =
        "# What durable runs in flight depend on, per durable workflow; the build compares the workflows with it (WF0701-WF0708).\n"
        + "# Rewrite it from the current workflows, once no run depends on what changed: dotnet build -p:WorkflowsAcceptVersions=true\n";

    private ShippedFile(string path, Dictionary<string, ShippedWorkflow> workflows, List<DiagnosticInfo> diagnostics)
    {
        Path = path;
        Workflows = workflows;
        Diagnostics = diagnostics;
    }

    public string Path { get; }

    /// <summary>The workflows the file records, by definition name.</summary>
    public IReadOnlyDictionary<string, ShippedWorkflow> Workflows { get; }

    /// <summary>Malformed lines (WF0708), at their line in the file.</summary>
    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; }

    /// <summary>True when <paramref name="path"/> names the file (in any folder; the build passes only the project's).</summary>
    public static bool IsShippedFile(string path)
        => string.Equals(System.IO.Path.GetFileName(path), FileName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The file's text for the given workflows: only durable ones, which runs can outlive a deployment.</summary>
    public static string Write(IEnumerable<WorkflowSpec> specs)
    {
        var lines = new List<string>();
        foreach (var spec in specs)
        {
            if (spec.Durable is not { } durable)
            {
                continue;
            }

            var name = spec.WorkflowName;
            lines.Add(Line(name, Kinds.Definition, durable.DefinitionHash));
            foreach (var input in spec.Inputs)
            {
                lines.Add(Line(name, Kinds.Input, input.Name, input.Type, IsRequired(input) ? Required : Optional));
            }

            for (var i = 0; i < spec.Steps.Count; i++)
            {
                lines.Add(Line(name, Kinds.Step, spec.Steps[i].Id, durable.StepSignatures[i]));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        var text = new StringBuilder(Header);
        foreach (var line in lines.Distinct())
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>An input a run must have been given: required and without a default.</summary>
    public static bool IsRequired(InputSpec input) => input.IsRequired && input.DefaultValue is null;

    public static ShippedFile Parse(string path, string? text)
    {
        var workflows = new Dictionary<string, ShippedWorkflow>(StringComparer.Ordinal);
        var diagnostics = new List<DiagnosticInfo>();
        var lines = (text ?? string.Empty).Split('\n');
        var offset = 0;
        for (var number = 0; number < lines.Length; offset += lines[number].Length + 1, number++)
        {
            var line = lines[number].TrimEnd('\r');
            var span = new SourceSpan(path, offset, offset + line.Length, number, 0, number, line.Length);
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            var known = new HashSet<string>(workflows.Keys, StringComparer.Ordinal);
            if (ParseLine(line, number, span, workflows) is { } problem)
            {
                // A workflow named only by unreadable lines is not recorded (it would read as deleted: WF0707).
                foreach (var added in workflows.Keys.Where(k => !known.Contains(k)).ToList())
                {
                    workflows.Remove(added);
                }

                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShippedFileMalformed, span,
                    path, (number + 1).ToString(CultureInfo.InvariantCulture), problem));
            }
        }

        return new ShippedFile(path, workflows, diagnostics);
    }

    /// <summary>Reads one line into <paramref name="workflows"/>; returns what is wrong with it, or null.</summary>
    private static string? ParseLine(string line, int number, SourceSpan span, Dictionary<string, ShippedWorkflow> workflows)
    {
        var fields = line.Split('|').Select(f => f.Trim()).ToArray();
        if (fields.Length < 3 || fields[0].Length == 0)
        {
            return "expected '<workflow> | <kind> | ...', with kind definition, input or step";
        }

        var name = fields[0];
        if (!workflows.TryGetValue(name, out var workflow))
        {
            workflows.Add(name, workflow = new ShippedWorkflow(name));
        }

        switch (fields[1])
        {
            case Kinds.Definition:
                if (fields.Length != 3 || fields[2].Length == 0 || fields[2].Any(c => !Uri.IsHexDigit(c)))
                {
                    return "expected '<workflow> | definition | <hash in hex digits>'";
                }

                if (workflow.Line is not null)
                {
                    return $"workflow '{name}' has a second 'definition' line";
                }

                workflow.Line = span;
                workflow.Hash = fields[2];
                return null;
            case Kinds.Input:
                if (fields.Length != 5 || fields[2].Length == 0 || fields[3].Length == 0 || fields[4] is not (Required or Optional))
                {
                    return "expected '<workflow> | input | <name> | <type> | required' (or optional)";
                }

                if (workflow.Inputs.Any(i => i.Name == fields[2]))
                {
                    return $"input '{fields[2]}' of workflow '{name}' is listed twice";
                }

                workflow.Inputs.Add(new ShippedInput(fields[2], fields[3], fields[4] == Required, span));
                return null;
            case Kinds.Step:
                // The signature is everything after the third separator: types may hold anything but '|'.
                var parts = line.Split(s_bar, 4);
                if (parts.Length != 4 || fields[2].Length == 0 || parts[3].Trim().Length == 0)
                {
                    return "expected '<workflow> | step | <id> | <action> -> <output type>'";
                }

                if (workflow.Steps.Any(s => s.Id == fields[2]))
                {
                    return $"step '{fields[2]}' of workflow '{name}' is listed twice";
                }

                workflow.Steps.Add(new ShippedStep(fields[2], parts[3].Trim(), span));
                return null;
            default:
                return $"unknown kind '{fields[1]}' (known: definition, input, step); a newer Workflows package may have written it";
        }
    }

    private static string Line(params string[] fields) => string.Join(Separator, fields);

    private const string Required = "required";
    private const string Optional = "optional";

    private static class Kinds
    {
        public const string Definition = "definition";
        public const string Input = "input";
        public const string Step = "step";
    }
}

/// <summary>A durable workflow as the shipped file records it.</summary>
internal sealed class ShippedWorkflow
{
    public ShippedWorkflow(string name) => Name = name;

    public string Name { get; }

    public string? Hash { get; set; }

    /// <summary>Its <c>definition</c> line, where a problem with the whole workflow is reported.</summary>
    public SourceSpan? Line { get; set; }

    public List<ShippedInput> Inputs { get; } = new();

    public List<ShippedStep> Steps { get; } = new();
}

internal sealed record ShippedInput(string Name, string Type, bool Required, SourceSpan Line);

/// <summary>A step and its signature, exactly as the run store records it with each completed step.</summary>
internal sealed record ShippedStep(string Id, string Signature, SourceSpan Line);
