using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Polly;

namespace Workflows.Runtime;

/// <summary>
/// The one sink for a run's events: it fills the <see cref="WorkflowRunReport"/>, calls the
/// <see cref="IWorkflowObserver"/>, reports <see cref="WorkflowProgress"/>, and records spans and metrics.
/// Generated code calls it through a nullable reference; <see cref="Start"/> returns null when nobody
/// listens, so an unobserved run pays one null check per step and allocates nothing for it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RunRecorder
{
    /// <summary>Carries the recorder to a step's Polly pipeline, whose retry callback reports retries.</summary>
    public static readonly ResiliencePropertyKey<RunRecorder> PropertyKey = new("Workflows.RunRecorder");

    private readonly object _gate = new();
    private readonly WorkflowDescriptor _descriptor;
    private readonly TimeProvider _time;
    private readonly IsolatedObserver? _observer;
    private readonly IsolatedProgress? _progress;
    private readonly IsolatedLogger? _logger;
    private readonly Activity? _runActivity;
    private readonly Activity?[] _stepActivities;
    private readonly long[] _stepStarted;
    private readonly long _started;
    private readonly DateTimeOffset _startedAt;
    private int _finishedSteps;
    private int _runningSteps;
    private long _finishedStepTicks;
    private int _maxRunning = 1;

    // Set for a top-level run that is not durable when WorkflowOptions.History asks for its history in the store.
    private WorkflowOptions? _history;

    private RunRecorder(WorkflowDescriptor descriptor, WorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        _descriptor = descriptor;
        _time = options.TimeProvider;
        _started = _time.GetTimestamp();
        _stepActivities = new Activity?[descriptor.Steps.Count];
        _stepStarted = new long[descriptor.Steps.Count];
        var steps = new StepReport[descriptor.Steps.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepReport(descriptor.Steps[i].Id);
        }

        _startedAt = _time.GetUtcNow();
        Report = new WorkflowRunReport(descriptor.Name, steps, _startedAt);

        // The app's listeners run inside the run: what they throw is reported, never thrown into a step.
        _observer = options.Observer is { } observer ? new IsolatedObserver(observer, Report) : null;
        _progress = options.Progress is { } progress ? new IsolatedProgress(progress, Report) : null;
        _logger = IsLogging(options.Logger) ? new IsolatedLogger(options.Logger!, Report) : null;
        _runActivity = WorkflowTelemetry.ActivitySource.HasListeners()
            ? WorkflowTelemetry.ActivitySource.StartActivity("workflow " + descriptor.Name, ActivityKind.Internal)
            : null;
        _runActivity?.SetTag("workflow.name", descriptor.Name);
        _observer?.WorkflowStarted(descriptor.Name);
        if (_logger is not null)
        {
            RunLog.WorkflowStarted(_logger, descriptor.Name);
        }
    }

    private static bool IsLogging(ILogger? logger)
    {
        try
        {
            return logger is not null && logger.IsEnabled(LogLevel.Critical);
        }
        catch (Exception e)
        {
            ListenerFailures.Report(e, "logger", report: null);
            return false;
        }
    }

    /// <summary>The report being filled.</summary>
    public WorkflowRunReport Report { get; }

    /// <summary>The id of step <paramref name="step"/>.</summary>
    public string StepIdOf(int step) => _descriptor.Steps[step].Id;

    /// <summary>The durable run this run records into; null for a run that is not durable.</summary>
    public Durability.DurableRun? Durable { get; private set; }

    /// <summary>A recorder for a durable run: always one, since steps reach the run's checkpoints through it.</summary>
    public static RunRecorder StartDurable(WorkflowDescriptor descriptor, WorkflowOptions? options, bool withReport, Durability.DurableRun durable)
        => new(descriptor, options ?? WorkflowOptions.Default) { Durable = durable };

    /// <summary>A nested recorder (see <see cref="StartNested"/>) for a durable run of a called workflow.</summary>
    public static RunRecorder StartNestedDurable(WorkflowDescriptor descriptor, WorkflowOptions? options, RunRecorder? caller, int callerStep, int callerItem, Durability.DurableRun durable)
    {
        var recorder = StartNested(descriptor, options, caller, callerStep, callerItem) ?? new RunRecorder(descriptor, options ?? WorkflowOptions.Default);
        recorder.Durable = durable;
        return recorder;
    }

    /// <summary>A recorder when someone listens (a report, an observer, progress, a trace or metrics listener); else null.</summary>
    /// <remarks>
    /// Every unobserved run pays this check, so it is inlined into the generated code: in the common case (nothing
    /// set, nobody listening) a handful of loads, no call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RunRecorder? Start(WorkflowDescriptor descriptor, WorkflowOptions? options, bool withReport)
    {
        options ??= WorkflowOptions.Default;
        return withReport || options.Observer is not null || options.Progress is not null || IsLogging(options.Logger) || WorkflowTelemetry.IsObserved || (options.History && options.Store is not null)
            ? new RunRecorder(descriptor, options) { _history = options.History && options.Store is not null ? options : null }
            : null;
    }

    /// <summary>
    /// A recorder for a workflow run as step <paramref name="callerStep"/> of another run: when the caller
    /// records a report, this run's report nests in the caller's step. Null when nobody listens.
    /// </summary>
    /// <param name="descriptor">The called workflow.</param>
    /// <param name="options">Its options.</param>
    /// <param name="caller">The calling run's recorder, if it has one.</param>
    /// <param name="callerStep">The calling step's index.</param>
    /// <param name="callerItem">The foreach item of the calling step, or -1.</param>
    public static RunRecorder? StartNested(WorkflowDescriptor descriptor, WorkflowOptions? options, RunRecorder? caller, int callerStep, int callerItem = -1)
    {
        if (caller is null)
        {
            return Start(descriptor, options, withReport: false);
        }

        var recorder = new RunRecorder(descriptor, options ?? WorkflowOptions.Default);
        var step = caller.Report.Steps[callerStep];
        if (callerItem >= 0)
        {
            step.AddItemWorkflow(callerItem, recorder.Report);
        }
        else
        {
            lock (caller._gate)
            {
                step.Workflow = recorder.Report;
            }
        }

        return recorder;
    }

    /// <summary>Step <paramref name="step"/> (its index in the file) calls its action.</summary>
    /// <remarks>
    /// A durable run's generated code checks the pause (<see cref="Durability.DurableRun.ThrowIfPaused"/>) just before
    /// this call, so a paused run reports no step as started; it is not checked again here.
    /// </remarks>
    public void Started(int step)
    {
        var id = _descriptor.Steps[step].Id;
        // The activity's name is built only when someone listens: every durable or observed step passes here.
        var activity = WorkflowTelemetry.ActivitySource.HasListeners()
            ? WorkflowTelemetry.ActivitySource.StartActivity("step " + id, ActivityKind.Internal, _runActivity?.Context ?? default)
            : null;
        activity?.SetTag("workflow.name", _descriptor.Name);
        activity?.SetTag("workflow.step", id);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var report = Report.Steps[step];
            report.Status = StepStatus.Running;
            report.StartedAt = At(now);
            _stepActivities[step] = activity;
            _stepStarted[step] = now;
            _runningSteps++;
            _maxRunning = Math.Max(_maxRunning, _runningSteps);
        }

        Durable?.StepStarted(step);

        _observer?.StepStarted(_descriptor.Name, id);
        if (_logger is not null)
        {
            RunLog.StepStarted(_logger, _descriptor.Name, id);
        }
    }

    /// <summary>The step's action completed.</summary>
    public void Succeeded(int step, int attempts)
    {
        var duration = Finish(step, StepStatus.Succeeded, attempts, null);
        Durable?.StepEnded(step, StepStatus.Succeeded, attempts, null);
        _observer?.StepCompleted(_descriptor.Name, _descriptor.Steps[step].Id, attempts, duration);
        if (_logger is not null)
        {
            RunLog.StepCompleted(_logger, _descriptor.Name, _descriptor.Steps[step].Id, duration.TotalMilliseconds, attempts);
        }

        ReportProgress();
    }

    /// <summary>The step's action threw on its last attempt.</summary>
    public void Failed(int step, Exception exception, int attempts)
    {
        exception = SecretRedactor.Redact(exception);
        var duration = Finish(step, StepStatus.Failed, attempts, exception);
        Durable?.StepEnded(step, StepStatus.Failed, attempts, exception.Message);
        _observer?.StepFailed(_descriptor.Name, _descriptor.Steps[step].Id, attempts, duration, exception);
        if (_logger is not null)
        {
            RunLog.StepFailed(_logger, exception, _descriptor.Name, _descriptor.Steps[step].Id, attempts);
        }

        ReportProgress();
    }

    /// <summary>The step did not run: its condition was false or a dependency did not succeed.</summary>
    public void Skipped(int step)
    {
        lock (_gate)
        {
            Report.Steps[step].Status = StepStatus.Skipped;
            _finishedSteps++;
        }

        Durable?.StepEnded(step, StepStatus.Skipped, 0, Durable is null ? null : SkipReason(_descriptor, Report, step));

        _observer?.StepSkipped(_descriptor.Name, _descriptor.Steps[step].Id);
        if (_logger is not null)
        {
            RunLog.StepSkipped(_logger, _descriptor.Name, _descriptor.Steps[step].Id);
        }

        ReportProgress();
    }

    /// <summary>
    /// Why step <paramref name="step"/> was skipped, for the run's history: a step it needs that did not succeed, else
    /// its <c>if:</c> condition (the only other reason a step is skipped).
    /// </summary>
    internal static string SkipReason(WorkflowDescriptor descriptor, WorkflowRunReport report, int step)
    {
        foreach (var needed in descriptor.Steps[step].DependsOn)
        {
            for (var i = 0; i < report.Steps.Count; i++)
            {
                if (report.Steps[i].Id == needed && report.Steps[i].Status is not StepStatus.Succeeded)
                {
                    return $"skipped: step '{needed}', which it needs, {report.Steps[i].Status.ToString().ToLowerInvariant()}";
                }
            }
        }

        return "skipped: its if: condition was false";
    }

    /// <summary>An attempt failed and Polly will retry it after <paramref name="delay"/>.</summary>
    public void Retrying(int step, int attempt, TimeSpan delay, Exception? exception)
    {
        exception = exception is null ? null : SecretRedactor.Redact(exception);
        var activity = _stepActivities[step];
        activity?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
        {
            ["workflow.attempt"] = attempt,
            ["workflow.retry_delay_ms"] = delay.TotalMilliseconds,
            ["exception.type"] = exception?.GetType().FullName,
            ["exception.message"] = exception?.Message,
        }));
        if (exception is not null)
        {
            _observer?.StepRetrying(_descriptor.Name, _descriptor.Steps[step].Id, attempt, delay, exception);
        }

        Durable?.StepRetrying(step, attempt, delay, exception?.Message);

        if (_logger is not null)
        {
            RunLog.StepRetrying(_logger, exception, _descriptor.Name, _descriptor.Steps[step].Id, attempt, delay.TotalMilliseconds);
        }
    }

    /// <summary>The step's compensation undid it after the run failed.</summary>
    public void Compensated(int step)
    {
        lock (_gate)
        {
            Report.Steps[step].Status = StepStatus.Compensated;
        }

        _observer?.StepCompensated(_descriptor.Name, _descriptor.Steps[step].Id);
        if (_logger is not null)
        {
            RunLog.StepCompensated(_logger, _descriptor.Name, _descriptor.Steps[step].Id);
        }

    }

    /// <summary>The run ended: steps still pending or running were cancelled.</summary>
    public WorkflowRunReport Complete(WorkflowRunStatus status, Exception? exception = null)
    {
        exception = exception is null ? null : SecretRedactor.Redact(exception);
        lock (_gate)
        {
            foreach (var step in Report.Steps)
            {
                if (step.Status is StepStatus.Pending or StepStatus.Running)
                {
                    step.Status = StepStatus.Cancelled;
                }
            }

            Report.Status = status;
            Report.CompletedAt = _time.GetUtcNow();
        }

        var duration = _time.GetElapsedTime(_started);
        var outcome = Outcome(status);
        if (_runActivity is not null)
        {
            _runActivity.SetTag("workflow.outcome", outcome);
            _runActivity.SetStatus(status == WorkflowRunStatus.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, exception?.Message);
            _runActivity.Stop();
        }

        if (WorkflowTelemetry.Runs.Enabled || WorkflowTelemetry.RunDuration.Enabled)
        {
            var name = new KeyValuePair<string, object?>("workflow.name", _descriptor.Name);
            var result = new KeyValuePair<string, object?>("workflow.outcome", outcome);
            WorkflowTelemetry.Runs.Add(1, name, result);
            WorkflowTelemetry.RunDuration.Record(duration.TotalSeconds, name, result);
        }
        if (_logger is not null)
        {
            if (status == WorkflowRunStatus.Succeeded)
            {
                RunLog.WorkflowCompleted(_logger, _descriptor.Name, duration.TotalMilliseconds);
            }
            else
            {
                RunLog.WorkflowFailed(_logger, exception, _descriptor.Name, status, duration.TotalMilliseconds);
            }
        }

        switch (status)
        {
            case WorkflowRunStatus.Succeeded:
                _observer?.WorkflowCompleted(_descriptor.Name, duration);
                break;
            case WorkflowRunStatus.Cancelled:
                _observer?.WorkflowCancelled(_descriptor.Name, duration);
                break;
            default:
                _observer?.WorkflowFailed(_descriptor.Name, duration, exception ?? new InvalidOperationException($"Workflow '{_descriptor.Name}' ended {status}."));
                break;
        }

        return Report;
    }

    /// <summary>Awaits a run and reports how it ended: its outcome, or the exception it throws (with the report attached to a <see cref="WorkflowFailedException"/>).</summary>
    public async ValueTask<TOutputs> TrackAsync<TOutputs>(ValueTask<TOutputs> run)
    {
        try
        {
            var outputs = await run.ConfigureAwait(false);
            Complete(WorkflowRunStatus.Succeeded);
            await WriteHistoryAsync(null).ConfigureAwait(false);
            return outputs;
        }
        catch (Exception exception)
        {
            Fail(exception);
            await WriteHistoryAsync(exception).ConfigureAwait(false);
            throw;
        }
    }

    private ValueTask WriteHistoryAsync(Exception? exception)
        => _history is { } options && Durable is null ? RunHistory.WriteAsync(options, _descriptor, Report, exception) : default;

    /// <summary>Awaits a run without outputs and reports how it ended.</summary>
    public async ValueTask TrackAsync(ValueTask run)
    {
        try
        {
            await run.ConfigureAwait(false);
            Complete(WorkflowRunStatus.Succeeded);
            await WriteHistoryAsync(null).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Fail(exception);
            await WriteHistoryAsync(exception).ConfigureAwait(false);
            throw;
        }
    }

    private void Fail(Exception exception)
    {
        var report = Complete(StatusOf(exception), exception);
        if (exception is WorkflowFailedException failure)
        {
            failure.WithReport(report);
        }
    }

    /// <summary>The run's status for an exception that ended it.</summary>
    public static WorkflowRunStatus StatusOf(Exception exception)
        => exception switch
        {
            WorkflowFailedException => WorkflowRunStatus.Failed,
            TimeoutException => WorkflowRunStatus.TimedOut,
            OperationCanceledException => WorkflowRunStatus.Cancelled,
            _ => WorkflowRunStatus.Failed,
        };

    private static string Outcome(WorkflowRunStatus status) => status switch
    {
        WorkflowRunStatus.Succeeded => "success",
        WorkflowRunStatus.Cancelled => "cancelled",
        WorkflowRunStatus.TimedOut => "timeout",
        _ => "failure",
    };

    private TimeSpan Finish(int step, StepStatus status, int attempts, Exception? exception)
    {
        Activity? activity;
        TimeSpan duration;
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var report = Report.Steps[step];
            report.Status = status;
            report.Attempts = attempts;
            report.Exception = exception;
            report.CompletedAt = At(now);
            duration = _stepStarted[step] == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_stepStarted[step], now);
            activity = _stepActivities[step];
            _stepActivities[step] = null;
            _runningSteps = Math.Max(0, _runningSteps - 1);
            _finishedSteps++;
            _finishedStepTicks += duration.Ticks;
        }

        var outcome = status == StepStatus.Succeeded ? "success" : "failure";
        if (activity is not null)
        {
            activity.SetTag("workflow.attempts", attempts);
            activity.SetTag("workflow.outcome", outcome);
            if (exception is not null)
            {
                activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
                {
                    ["exception.type"] = exception.GetType().FullName,
                    ["exception.message"] = exception.Message,
                }));
            }

            activity.SetStatus(exception is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, exception?.Message);
            activity.Stop();
        }

        // Tags as arguments, not an array: nothing is allocated when no meter listener is enabled.
        if (WorkflowTelemetry.Steps.Enabled || WorkflowTelemetry.StepDuration.Enabled)
        {
            var name = new KeyValuePair<string, object?>("workflow.name", _descriptor.Name);
            var id = new KeyValuePair<string, object?>("workflow.step", _descriptor.Steps[step].Id);
            var result = new KeyValuePair<string, object?>("workflow.outcome", outcome);
            WorkflowTelemetry.Steps.Add(1, name, id, result);
            WorkflowTelemetry.StepDuration.Record(duration.TotalSeconds, name, id, result);
        }

        return duration;
    }

    /// <summary>
    /// The wall-clock time of a timestamp: the run's start plus the monotonic time since. One clock read per step
    /// event instead of two (a clock read costs more than the rest of a step's bookkeeping on a virtual machine).
    /// </summary>
    private DateTimeOffset At(long timestamp) => _startedAt + _time.GetElapsedTime(_started, timestamp);

    private void ReportProgress()
    {
        if (_progress is null)
        {
            return;
        }

        WorkflowProgress progress;
        lock (_gate)
        {
            var total = _descriptor.Steps.Count;
            var ran = Report.Steps.Count(s => s.Status is StepStatus.Succeeded or StepStatus.Failed);
            TimeSpan? remaining = ran == 0
                ? null
                : TimeSpan.FromTicks(_finishedStepTicks / ran * (total - _finishedSteps) / Math.Max(1, _maxRunning));
            progress = new WorkflowProgress(_descriptor.Name, _finishedSteps, total, _runningSteps, _time.GetElapsedTime(_started), remaining);
        }

        _progress.Report(progress);
    }
}
