using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows;

/// <summary>What happened in one run of a workflow, step by step.</summary>
public sealed class WorkflowRunReport
{
    internal WorkflowRunReport(string workflowName, IReadOnlyList<StepReport> steps, DateTimeOffset startedAt)
    {
        WorkflowName = workflowName;
        Steps = steps;
        StartedAt = startedAt;
    }

    /// <summary>The workflow's <c>name:</c>.</summary>
    public string WorkflowName { get; }

    /// <summary>Every step, in the order of the workflow file.</summary>
    public IReadOnlyList<StepReport> Steps { get; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the run ended; null while it runs.</summary>
    public DateTimeOffset? CompletedAt { get; internal set; }

    /// <summary>How the run ended.</summary>
    public WorkflowRunStatus Status { get; internal set; } = WorkflowRunStatus.Running;

    /// <summary>
    /// Exceptions thrown by the run's observer, progress handler or logger (masked). They were caught: such code
    /// never changes a run's outcome.
    /// </summary>
    public IReadOnlyList<Exception> ListenerFailures
    {
        get
        {
            lock (_listenerFailures)
            {
                return _listenerFailures.ToArray();
            }
        }
    }

    private readonly List<Exception> _listenerFailures = new();

    internal void AddListenerFailure(Exception exception)
    {
        lock (_listenerFailures)
        {
            _listenerFailures.Add(exception);
        }
    }

    /// <summary>The step with this id.</summary>
    public StepReport this[string stepId]
    {
        get
        {
            foreach (var step in Steps)
            {
                if (step.Id == stepId)
                {
                    return step;
                }
            }

            throw new KeyNotFoundException($"Workflow '{WorkflowName}' has no step '{stepId}'.");
        }
    }
}

/// <summary>One step of a <see cref="WorkflowRunReport"/>.</summary>
public sealed class StepReport
{
    internal StepReport(string id) => Id = id;

    /// <summary>The step's <c>id:</c>.</summary>
    public string Id { get; }

    /// <summary>What became of the step.</summary>
    public StepStatus Status { get; internal set; } = StepStatus.Pending;

    /// <summary>How many times its action was called.</summary>
    public int Attempts { get; internal set; }

    /// <summary>When its action was first called.</summary>
    public DateTimeOffset? StartedAt { get; internal set; }

    /// <summary>When it succeeded or failed.</summary>
    public DateTimeOffset? CompletedAt { get; internal set; }

    /// <summary>The action's exception, for a failed step.</summary>
    public Exception? Exception { get; internal set; }

    /// <summary>
    /// For a <c>foreach</c> step that failed: the indexes of the items that failed, in order (all of them under
    /// <c>on_error: continue</c>; the first under fail-fast). Empty otherwise.
    /// </summary>
    public IReadOnlyList<int> FailedItems => Exception is ForEachFailedException failed ? failed.FailedItems : Array.Empty<int>();

    /// <summary>For a step that runs another workflow (<c>workflow:</c>): that run's own report, once it started.</summary>
    public WorkflowRunReport? Workflow { get; internal set; }

    /// <summary>For a <c>foreach</c> step that runs another workflow: one report per item run so far, by item index.</summary>
    public IReadOnlyList<WorkflowRunReport> ItemWorkflows
    {
        get
        {
            lock (_itemWorkflows)
            {
                return _itemWorkflows.Values.ToArray();
            }
        }
    }

    private readonly SortedList<int, WorkflowRunReport> _itemWorkflows = new();

    internal void AddItemWorkflow(int itemIndex, WorkflowRunReport report)
    {
        lock (_itemWorkflows)
        {
            _itemWorkflows[itemIndex] = report;
        }
    }
}

/// <summary>How a step ended.</summary>
public enum StepStatus
{
    /// <summary>Not started (yet).</summary>
    Pending,

    /// <summary>Its action is running.</summary>
    Running,

    /// <summary>Its action completed.</summary>
    Succeeded,

    /// <summary>Its action threw (after its retries).</summary>
    Failed,

    /// <summary>Its <c>if:</c> was false, or a step it depends on did not succeed.</summary>
    Skipped,

    /// <summary>The run stopped (a failure elsewhere, the caller, a timeout) before the step finished.</summary>
    Cancelled,

    /// <summary>It succeeded, then its <c>compensate:</c> action undid it because the run failed.</summary>
    Compensated,
}

/// <summary>How a run ended.</summary>
public enum WorkflowRunStatus
{
    /// <summary>Still running.</summary>
    Running,

    /// <summary>Every step succeeded or was skipped, or failed under <c>on_error: continue</c>.</summary>
    Succeeded,

    /// <summary>A step failed.</summary>
    Failed,

    /// <summary>The caller cancelled the run.</summary>
    Cancelled,

    /// <summary>The workflow's <c>timeout:</c> elapsed.</summary>
    TimedOut,
}
