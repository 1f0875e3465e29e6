using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Samples.Etl;

/// <summary>What validation kept and dropped.</summary>
public sealed record ValidationSummary(int Valid, int Rejected);

/// <summary>JSON metadata for the step outputs a durable run checkpoints (the framework types are built in).</summary>
[JsonSerializable(typeof(ValidationSummary))]
public sealed partial class EtlJson : JsonSerializerContext
{
}

/// <summary>
/// The ETL pipeline's actions. Instance methods: the generated <c>OrdersEtlWorkflow</c> receives this
/// object through its constructor, so it can carry configuration (here, the work directory).
/// </summary>
public sealed class EtlActions(string workDirectory)
{
    public string WorkDirectory { get; } = workDirectory;

    private string Stage(string name) => Path.Combine(WorkDirectory, name);

    [WorkflowAction("etl.extract", Description = "Copies the source CSV into the work directory.")]
    public async Task<int> ExtractAsync(string source, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(WorkDirectory);
        var lines = await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, source), cancellationToken);
        await File.WriteAllLinesAsync(Stage("extracted.csv"), lines.Skip(1), cancellationToken);
        return lines.Length - 1;
    }

    [WorkflowAction("etl.validate", Description = "Keeps rows with a customer and an amount of at least min_amount.")]
    public async Task<ValidationSummary> ValidateAsync(decimal minAmount, CancellationToken cancellationToken)
    {
        var rows = await File.ReadAllLinesAsync(Stage("extracted.csv"), cancellationToken);
        var valid = rows
            .Select(line => line.Split(','))
            .Where(cells => cells.Length == 3 && cells[1].Length > 0
                && decimal.TryParse(cells[2], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) && amount >= minAmount)
            .Select(cells => string.Join(',', cells))
            .ToList();
        await File.WriteAllLinesAsync(Stage("valid.csv"), valid, cancellationToken);
        return new ValidationSummary(valid.Count, rows.Length - valid.Count);
    }

    [WorkflowAction("etl.transform", Description = "Totals the valid orders per customer.")]
    public async Task TransformAsync(CancellationToken cancellationToken)
    {
        var totals = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var line in await File.ReadAllLinesAsync(Stage("valid.csv"), cancellationToken))
        {
            var cells = line.Split(',');
            totals[cells[1]] = totals.GetValueOrDefault(cells[1]) + decimal.Parse(cells[2], CultureInfo.InvariantCulture);
        }

        await File.WriteAllLinesAsync(
            Stage("totals.csv"),
            totals.Select(t => $"{t.Key},{t.Value.ToString(CultureInfo.InvariantCulture)}"),
            cancellationToken);
    }

    [WorkflowAction("etl.load", Description = "Writes the report.")]
    public async Task<string> LoadAsync(string reportName, string title, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(Stage("totals.csv"), cancellationToken);
        var report = Stage(reportName);
        await File.WriteAllLinesAsync(report, lines.Select(l => l.Replace(",", ": ", StringComparison.Ordinal)).Prepend(title), cancellationToken);
        return report;
    }
}
