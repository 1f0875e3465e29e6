using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Hosting;
using Workflows.Runtime;

namespace Workflows.AspNetCore;

/// <summary>
/// A run this process executes, as its observer sees it: step states, history, outcome. Durable runs are also in the
/// store (the source of truth for their status); runs that are not durable exist only here.
/// </summary>
internal sealed class TrackedRun
{
    private readonly object _gate = new();
    private readonly Dictionary<string, StepState> _steps = new(StringComparer.Ordinal);
    private readonly List<EventView> _events = new();
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = NewSignal();

    public TrackedRun(string runId, WorkflowRegistration registration, bool durable, string? inputsJson, TimeProvider time)
    {
        RunId = runId;
        Registration = registration;
        Durable = durable;
        InputsJson = inputsJson;
        _time = time;
        CreatedAt = UpdatedAt = time.GetUtcNow();
    }

    public string RunId { get; }

    public WorkflowRegistration Registration { get; }

    public bool Durable { get; }

    public string? InputsJson { get; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>pending, running, succeeded, failed, cancelled, paused.</summary>
    public string Status { get; private set; } = "pending";

    public string? OutputsJson { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Cancels the run's actions (a cancel of a run that is not durable, or the app stopping).</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Set when this process is executing the run (started, resumed or retried here).</summary>
    public Task? Execution { get; set; }

    public bool IsFinal => Status is "succeeded" or "failed" or "cancelled";

    /// <summary>Completes at the next change; take it before reading the state, then await it.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public void Starting()
    {
        lock (_gate)
        {
            // A resumed or retried run starts over from the store's step records: forget what the last attempt showed.
            Status = "running";
            CompletedAt = null;
            Error = null;
            foreach (var step in _steps.Values)
            {
                if (step.Status is "running" or "retrying" or "failed")
                {
                    step.Status = "waiting";
                    step.Error = null;
                }
            }
        }

        Touch(null, null, null);
    }

    public void Step(string stepId, string status, int attempts, string? error, string kind)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_steps.TryGetValue(stepId, out var step))
            {
                step = new StepState();
                _steps[stepId] = step;
            }

            step.Status = status;
            step.Attempts = Math.Max(step.Attempts, attempts);
            step.Error = error is null ? null : SecretRedactor.Redact(error);
            if (status == "running")
            {
                step.StartedAt ??= now;
            }
            else if (status is "succeeded" or "failed" or "skipped" or "compensated")
            {
                step.CompletedAt = now;
            }
        }

        Touch(kind, stepId, error is null ? null : SecretRedactor.Redact(error));
    }

    /// <summary>A step the run did not start after all (it paused first): waiting again.</summary>
    public void Held(string stepId)
    {
        lock (_gate)
        {
            _steps.Remove(stepId);
        }

        Touch("step-held", stepId, "the run paused before it started");
    }

    public void Ended(string status, string? outputsJson, string? error)
    {
        lock (_gate)
        {
            Status = status;
            OutputsJson = SecretRedactor.RedactJson(outputsJson);
            Error = error is null ? null : SecretRedactor.Redact(error);
            CompletedAt = status is "paused" or "pending" or "waiting" ? null : _time.GetUtcNow();
        }

        Touch(status, null, error is null ? null : SecretRedactor.Redact(error));
    }

    /// <summary>A copy of the step states, by id.</summary>
    public Dictionary<string, StepView> Steps()
    {
        lock (_gate)
        {
            var copy = new Dictionary<string, StepView>(StringComparer.Ordinal);
            foreach (var pair in _steps)
            {
                var s = pair.Value;
                copy[pair.Key] = new StepView(pair.Key, s.Status, s.Attempts, s.StartedAt, s.CompletedAt, s.Error, 0);
            }

            return copy;
        }
    }

    public List<EventView> Events()
    {
        lock (_gate)
        {
            return new List<EventView>(_events);
        }
    }

    private void Touch(string? kind, string? stepId, string? detail)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            UpdatedAt = _time.GetUtcNow();
            if (kind is not null)
            {
                _events.Add(new EventView(UpdatedAt, kind, stepId, detail));
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class StepState
    {
        public string Status { get; set; } = "waiting";

        public int Attempts { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }

        public string? Error { get; set; }
    }
}
