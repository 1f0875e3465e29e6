using System;
using System.Threading;

namespace Workflows.AspNetCore;

/// <summary>
/// The observer of the workflows the API creates: it reports each event to the run it belongs to, found through an
/// async local set where the API starts the run (observer events carry the workflow's name, not the run's id), and
/// forwards every event to the app's own observer.
/// </summary>
internal sealed class RunObserver(IWorkflowObserver? inner) : IWorkflowObserver
{
    private static readonly AsyncLocal<TrackedRun?> s_current = new();

    /// <summary>The run whose events the current flow reports.</summary>
    public static TrackedRun? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    private static TrackedRun? For(string workflowName)
        => s_current.Value is { } run && run.Registration.Name == workflowName ? run : null; // a called workflow's steps are not this run's

    public void WorkflowStarted(string workflowName) => inner?.WorkflowStarted(workflowName);

    public void WorkflowCompleted(string workflowName, TimeSpan duration) => inner?.WorkflowCompleted(workflowName, duration);

    public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception) => inner?.WorkflowFailed(workflowName, duration, exception);

    public void WorkflowCancelled(string workflowName, TimeSpan duration) => inner?.WorkflowCancelled(workflowName, duration);

    public void StepStarted(string workflowName, string stepId)
    {
        For(workflowName)?.Step(stepId, "running", 1, null, "step-started");
        inner?.StepStarted(workflowName, stepId);
    }

    public void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
    {
        For(workflowName)?.Step(stepId, "succeeded", attempts, null, "step-succeeded");
        inner?.StepCompleted(workflowName, stepId, attempts, duration);
    }

    public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
    {
        if (exception is Durability.WorkflowRunPausedException)
        {
            For(workflowName)?.Held(stepId); // not run: the run paused before the step's action was called
        }
        else
        {
            For(workflowName)?.Step(stepId, "failed", attempts, exception.Message, "step-failed");
        }

        inner?.StepFailed(workflowName, stepId, attempts, duration, exception);
    }

    public void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception)
    {
        For(workflowName)?.Step(stepId, "retrying", attempt, exception.Message, "step-retrying");
        inner?.StepRetrying(workflowName, stepId, attempt, delay, exception);
    }

    public void StepSkipped(string workflowName, string stepId)
    {
        For(workflowName)?.Step(stepId, "skipped", 0, null, "step-skipped");
        inner?.StepSkipped(workflowName, stepId);
    }

    public void StepCompensated(string workflowName, string stepId)
    {
        For(workflowName)?.Step(stepId, "compensated", 0, null, "step-compensated");
        inner?.StepCompensated(workflowName, stepId);
    }

    public void StepMessage(string workflowName, string stepId, string message) => inner?.StepMessage(workflowName, stepId, message);
}
