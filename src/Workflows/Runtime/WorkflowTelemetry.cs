using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Workflows.Runtime;

/// <summary>
/// The library's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named "Workflows". Spans: one per
/// run ("workflow {name}") with one child per step ("step {id}"); metrics: runs and steps counted, and their
/// durations in histograms, tagged with workflow (and step) and outcome. Nothing is recorded unless someone
/// listens.
/// </summary>
public static class WorkflowTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Workflows";

    /// <summary>Traces: a span per run and per step.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, typeof(WorkflowTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Metrics.</summary>
    public static readonly Meter Meter = new(Name, typeof(WorkflowTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Runs = Meter.CreateCounter<long>("workflows.runs", "{run}", "Workflow runs that ended, by workflow and outcome.");

    internal static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("workflows.run.duration", "s", "Duration of workflow runs.");

    internal static readonly Counter<long> Steps = Meter.CreateCounter<long>("workflows.steps", "{step}", "Steps that ended, by workflow, step and outcome.");

    internal static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("workflows.step.duration", "s", "Duration of steps, all attempts included.");

    internal static readonly Counter<long> ListenerFailures = Meter.CreateCounter<long>("workflows.listener.failures", "{exception}", "Exceptions thrown by observers, progress handlers and loggers, caught so that they could not change a run.");

    /// <summary>True when a listener wants spans or metrics.</summary>
    internal static bool IsObserved
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ActivitySource.HasListeners() || Runs.Enabled || RunDuration.Enabled || Steps.Enabled || StepDuration.Enabled;
    }
}
