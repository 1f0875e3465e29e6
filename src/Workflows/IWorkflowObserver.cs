using System;

namespace Workflows;

/// <summary>
/// Receives the events of workflow runs. Pass one in <see cref="WorkflowOptions.Observer"/>. Every method has
/// an empty default, so an observer implements only what it needs. Called on the thread that runs the step;
/// keep handlers quick and thread-safe (parallel steps report concurrently).
/// </summary>
public interface IWorkflowObserver
{
    /// <summary>A run started.</summary>
    void WorkflowStarted(string workflowName)
    {
    }

    /// <summary>A run succeeded.</summary>
    void WorkflowCompleted(string workflowName, TimeSpan duration)
    {
    }

    /// <summary>A run failed (a step failed, or the workflow's timeout elapsed).</summary>
    void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception)
    {
    }

    /// <summary>The caller cancelled a run.</summary>
    void WorkflowCancelled(string workflowName, TimeSpan duration)
    {
    }

    /// <summary>A step's action is about to be called (its first attempt).</summary>
    void StepStarted(string workflowName, string stepId)
    {
    }

    /// <summary>A step's action completed.</summary>
    void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
    {
    }

    /// <summary>A step's action threw on its last attempt.</summary>
    void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
    {
    }

    /// <summary>An attempt of a step failed and will be retried after <paramref name="delay"/>.</summary>
    void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception)
    {
    }

    /// <summary>A step did not run: its condition was false or a dependency did not succeed.</summary>
    void StepSkipped(string workflowName, string stepId)
    {
    }

    /// <summary>A step was undone by its compensation after the run failed.</summary>
    void StepCompensated(string workflowName, string stepId)
    {
    }

    /// <summary>A step wrote a message (the <c>log</c> action, or <see cref="StepContext.Log(string)"/>).</summary>
    void StepMessage(string workflowName, string stepId, string message)
    {
    }
}
