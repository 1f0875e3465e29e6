using System;
using System.ComponentModel;
using System.Threading;

namespace Workflows.Runtime;

/// <summary>
/// Fills a <see cref="WorkflowRunReport"/> as generated code runs. Only <c>RunWithReportAsync</c> creates one:
/// a plain <c>RunAsync</c> passes null and every call site is a null check.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RunRecorder
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    /// <summary>Starts recording a run of the workflow <paramref name="descriptor"/> describes.</summary>
    public RunRecorder(WorkflowDescriptor descriptor, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        _time = timeProvider ?? TimeProvider.System;
        var steps = new StepReport[descriptor.Steps.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new StepReport(descriptor.Steps[i].Id);
        }

        Report = new WorkflowRunReport(descriptor.Name, steps, _time.GetUtcNow());
    }

    /// <summary>The report being filled.</summary>
    public WorkflowRunReport Report { get; }

    /// <summary>Step <paramref name="step"/> (its index in the file) calls its action.</summary>
    public void Started(int step)
    {
        var report = Report.Steps[step];
        lock (_gate)
        {
            report.Status = StepStatus.Running;
            report.StartedAt = _time.GetUtcNow();
        }
    }

    /// <summary>The step's action completed.</summary>
    public void Succeeded(int step, int attempts) => Finish(step, StepStatus.Succeeded, attempts, null);

    /// <summary>The step's action threw on its last attempt.</summary>
    public void Failed(int step, Exception exception, int attempts) => Finish(step, StepStatus.Failed, attempts, exception);

    /// <summary>The step's compensation undid it after the run failed.</summary>
    public void Compensated(int step)
    {
        lock (_gate)
        {
            Report.Steps[step].Status = StepStatus.Compensated;
        }
    }

    /// <summary>The step did not run: its condition was false or a dependency did not succeed.</summary>
    public void Skipped(int step) => Finish(step, StepStatus.Skipped, 0, null);

    /// <summary>The run ended: steps still pending or running were cancelled.</summary>
    public WorkflowRunReport Complete(WorkflowRunStatus status)
    {
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

        return Report;
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

    private void Finish(int step, StepStatus status, int attempts, Exception? exception)
    {
        var report = Report.Steps[step];
        lock (_gate)
        {
            report.Status = status;
            report.Attempts = attempts;
            report.Exception = exception;
            if (status != StepStatus.Skipped)
            {
                report.CompletedAt = _time.GetUtcNow();
            }
        }
    }
}
