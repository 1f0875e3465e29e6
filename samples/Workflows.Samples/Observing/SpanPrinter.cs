using System.Diagnostics;
using System.IO;
using OpenTelemetry;

namespace Workflows.Samples.Observing;

/// <summary>
/// An OpenTelemetry exporter that prints spans. In an application you would add an OTLP or other exporter
/// package instead; the wiring (AddSource("Workflows")) is the same.
/// </summary>
public sealed class SpanPrinter(TextWriter output) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            var indent = activity.OperationName.StartsWith("step ", System.StringComparison.Ordinal) ? "      " : "  ";
            output.WriteLine($"{indent}[span] {activity.DisplayName} {activity.Duration.TotalMilliseconds:F1} ms {activity.Status}");
        }

        return ExportResult.Success;
    }
}
