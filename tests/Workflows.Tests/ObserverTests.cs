using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Workflows.Tests;

/// <summary>Records every observer event as text, in order.</summary>
public sealed class RecordingObserver : IWorkflowObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    public void WorkflowStarted(string workflowName) => Events.Enqueue($"workflow started {workflowName}");

    public void WorkflowCompleted(string workflowName, TimeSpan duration) => Events.Enqueue($"workflow completed {workflowName}");

    public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception) => Events.Enqueue($"workflow failed {workflowName}: {exception.GetType().Name}");

    public void WorkflowCancelled(string workflowName, TimeSpan duration) => Events.Enqueue($"workflow cancelled {workflowName}");

    public void StepStarted(string workflowName, string stepId) => Events.Enqueue($"step started {stepId}");

    public void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration) => Events.Enqueue($"step completed {stepId} ({attempts})");

    public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception) => Events.Enqueue($"step failed {stepId}: {exception.Message}");

    public void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception) => Events.Enqueue($"step retrying {stepId} after attempt {attempt} in {delay.TotalMilliseconds} ms");

    public void StepSkipped(string workflowName, string stepId) => Events.Enqueue($"step skipped {stepId}");

    public void StepCompensated(string workflowName, string stepId) => Events.Enqueue($"step compensated {stepId}");
}

/// <summary>Progress reported synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
public sealed class RecordingProgress : IProgress<WorkflowProgress>
{
    public ConcurrentQueue<WorkflowProgress> Reports { get; } = new();

    public void Report(WorkflowProgress value) => Reports.Enqueue(value);
}

public sealed class ObserverTests
{
    [Fact]
    public async Task A_successful_run_reports_each_step_between_start_and_completion()
    {
        var observer = new RecordingObserver();

        await new ChainWorkflow(new Probe(), new WorkflowOptions { Observer = observer }).RunAsync();

        Assert.Equal(
            new[]
            {
                "workflow started chain",
                "step started one", "step completed one (1)",
                "step started two", "step completed two (1)",
                "step started three", "step completed three (1)",
                "workflow completed chain",
            },
            observer.Events);
    }

    [Fact]
    public async Task A_failed_run_reports_the_failing_step_then_the_workflow()
    {
        var observer = new RecordingObserver();

        await Assert.ThrowsAsync<WorkflowFailedException>(() => new SyncFailWorkflow(new WorkflowOptions { Observer = observer }).RunAsync().AsTask());

        Assert.Equal(
            new[] { "workflow started sync-fail", "step started ok", "step completed ok (1)", "step started broken", "step failed broken: broken on purpose", "workflow failed sync-fail: WorkflowFailedException" },
            observer.Events);
    }

    [Fact]
    public async Task Retries_are_reported_with_attempt_and_delay()
    {
        var observer = new RecordingObserver();
        var time = new ManualTimeProvider();
        var flaky = new Flaky { Behavior = Flaky.FailFirst<TimeoutException>(1) };

        var run = new RetryConstantWorkflow(flaky, new WorkflowOptions { Observer = observer, TimeProvider = time }).RunAsync().AsTask();
        await time.WaitForPendingAsync();
        time.Advance(TimeSpan.FromMilliseconds(200));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(
            new[] { "workflow started retry-constant", "step started flaky", "step retrying flaky after attempt 1 in 200 ms", "step completed flaky (2)", "workflow completed retry-constant" },
            observer.Events);
    }

    [Fact]
    public async Task Skipped_steps_are_reported()
    {
        var observer = new RecordingObserver();

        await new OrderFulfillmentWorkflow(new OrderActions(), new WorkflowOptions { Observer = observer }).RunAsync(new OrderFulfillmentWorkflow.Inputs { OrderId = "free" });

        Assert.Contains("step skipped charge", observer.Events);
        Assert.Contains("step skipped notify", observer.Events);
        Assert.Equal("workflow completed order-fulfillment", observer.Events.Last());
    }

    [Fact]
    public async Task Progress_is_monotonic_and_reaches_100_percent()
    {
        var progress = new RecordingProgress();

        await new OrderFulfillmentWorkflow(new OrderActions(), new WorkflowOptions { Progress = progress }).RunAsync(new OrderFulfillmentWorkflow.Inputs { OrderId = "o-9" });

        var reports = progress.Reports.ToList();
        Assert.Equal(4, reports.Count);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.CompletedSteps >= p.First.CompletedSteps && p.Second.Percent >= p.First.Percent));
        Assert.Equal((4, 4, 100.0), (reports[^1].CompletedSteps, reports[^1].TotalSteps, reports[^1].Percent));
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedRemaining);
    }

    [Fact]
    public void The_DAG_is_a_Mermaid_flowchart()
    {
        Assert.StartsWith("flowchart TD\n", DiamondWorkflow.Mermaid);
        Assert.Contains("s0[\"start<br/><small>probe.run</small>\"]", DiamondWorkflow.Mermaid);
        Assert.Contains("s0 --> s1", DiamondWorkflow.Mermaid);
        Assert.Contains("s2 --> s3", DiamondWorkflow.Mermaid);
        Assert.Contains("class s1 conditional", OrderFulfillmentWorkflow.Mermaid);
    }
}

/// <summary>
/// Spans and the allocation guard share a collection: an ActivityListener is process-wide, and while one
/// listens, runs record (and allocate) on purpose.
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection
{
}

[Collection(nameof(TelemetryCollection))]
public sealed class TracingTests
{
    [Fact]
    public async Task A_run_is_a_span_with_one_child_span_per_step()
    {
        // Other tests run workflows at the same time: keep only the spans of this test's trace.
        using var testSource = new ActivitySource("Workflows.Tests");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is WorkflowTelemetryName or "Workflows.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using (var test = testSource.StartActivity("test"))
        {
            await new DiamondWorkflow(new Probe()).RunAsync();
            var traceId = test!.TraceId;
            stopped = new ConcurrentQueue<Activity>(stopped.Where(a => a.TraceId == traceId && a.Source.Name == WorkflowTelemetryName));
        }

        var run = Assert.Single(stopped, a => a.OperationName == "workflow diamond");
        var steps = stopped.Where(a => a.OperationName.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "join", "left", "right", "start" }, steps.Select(s => (string)s.GetTagItem("workflow.step")!).Order().ToArray());
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        Assert.All(steps, s => Assert.Equal(ActivityStatusCode.Ok, s.Status));
        Assert.Equal("success", run.GetTagItem("workflow.outcome"));
    }

    [Fact]
    public async Task Runs_and_steps_are_counted_and_timed()
    {
        // Only the 'plan' workflow's measurements: other tests run other workflows at the same time.
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Step, string? Outcome)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == WorkflowTelemetryName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? workflow = null, step = null, outcome = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "workflow.name": workflow = tag.Value as string; break;
                    case "workflow.step": step = tag.Value as string; break;
                    case "workflow.outcome": outcome = tag.Value as string; break;
                }
            }

            if (workflow == "plan")
            {
                measurements.Enqueue((instrument.Name, value, step, outcome));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        await new PlanWorkflow(new Probe()).RunAsync(new PlanWorkflow.Inputs { Fast = true });

        var all = measurements.ToList();
        Assert.Equal(("workflows.runs", 1.0, (string?)null, "success"), Assert.Single(all, m => m.Instrument == "workflows.runs"));
        Assert.Single(all, m => m.Instrument == "workflows.run.duration");
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, all.Where(m => m.Instrument == "workflows.steps").Select(m => m.Step!).Order().ToArray());
        Assert.Equal(5, all.Count(m => m.Instrument == "workflows.step.duration"));
    }

    private const string WorkflowTelemetryName = Workflows.Runtime.WorkflowTelemetry.Name;
}
