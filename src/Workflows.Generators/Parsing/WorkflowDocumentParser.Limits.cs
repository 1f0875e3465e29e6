using System;
using System.Globalization;
using Workflows.Generators.Model;
using Workflows.Generators.Yaml;
using Workflows.Text;

namespace Workflows.Generators.Parsing;

/// <summary>Limits across runs: <c>concurrency:</c>, <c>rate:</c> and <c>priority:</c> (bound in WorkflowBinder.Limits.cs).</summary>
internal sealed partial class WorkflowDocumentParser
{
    /// <summary><c>concurrency: 2</c>, or <c>concurrency: { limit: 2, key: ${{ inputs.customer }} }</c>.</summary>
    private ConcurrencyDocument? ParseConcurrency(YamlNode node)
    {
        if (node is YamlScalar)
        {
            return new ConcurrencyDocument(ParseLimit(node), null, Span(node));
        }

        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'concurrency' must be a whole number (how many runs at once) or a mapping with 'limit' and an optional 'key', not {node.KindDescription}.");
            return null;
        }

        int? limit = null;
        ArgumentValue? key = null;
        foreach (var (entry, value) in Entries(mapping, WorkflowSchema.ConcurrencyKeys, "'concurrency'"))
        {
            if (entry.Value == WorkflowSchema.ConcurrencyLimit)
            {
                limit = ParseLimit(value);
            }
            else
            {
                key = Value(value);
            }
        }

        if (!mapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.ConcurrencyLimit }))
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(mapping, collapse: true), "'concurrency' has no 'limit'. Add 'limit: N', the most runs (per key) that may run at once.");
        }

        return new ConcurrencyDocument(limit, key, Span(mapping, collapse: true));
    }

    private int? ParseLimit(YamlNode node)
    {
        if (RequireString(node, "The concurrency 'limit'") is not { } text)
        {
            return null;
        }

        if (int.TryParse(text.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
        {
            return value;
        }

        Report(DiagnosticDescriptors.SchemaViolation, text.Span, $"The concurrency 'limit' must be a whole number of at least 1 (the most runs that may run at once, across every process), not '{text.Value}'.");
        return null;
    }

    /// <summary><c>rate: 100/min</c>: a count per unit (s, min, h, d) or per duration (<c>10/30s</c>).</summary>
    private RateDocument? ParseRate(YamlNode node)
    {
        if (RequireString(node, "'rate'") is not { } text)
        {
            return null;
        }

        var slash = text.Value.IndexOf('/');
        var count = slash > 0 ? text.Value.Substring(0, slash).Trim() : string.Empty;
        var period = slash > 0 ? text.Value.Substring(slash + 1).Trim() : string.Empty;
        long ticks = period switch
        {
            "s" or "sec" or "second" => TimeSpan.TicksPerSecond,
            "m" or "min" or "minute" => TimeSpan.TicksPerMinute,
            "h" or "hour" => TimeSpan.TicksPerHour,
            "d" or "day" => TimeSpan.TicksPerDay,
            _ => DurationParser.TryParse(period, out var duration, out _) ? duration.Ticks : 0,
        };
        if (int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && ticks > 0)
        {
            return new RateDocument(value, ticks, text.Value, text.Span);
        }

        Report(DiagnosticDescriptors.SchemaViolation, text.Span, $"'rate' is a number of runs per period, such as '100/min', '5/s', '1000/h' or '10/30s', not '{text.Value}'.");
        return null;
    }

    /// <summary><c>priority: 5</c> or <c>priority: ${{ inputs.priority }}</c>; its type is checked when it is bound.</summary>
    private ArgumentValue? ParsePriority(YamlNode node)
    {
        if (node is YamlScalar { IsNull: false })
        {
            return Value(node);
        }

        Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'priority' must be a whole number or an expression such as '${{{{ inputs.priority }}}}', not {node.KindDescription}.");
        return null;
    }
}
