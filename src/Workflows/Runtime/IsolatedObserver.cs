using System;

namespace Workflows.Runtime;

/// <summary>An <see cref="IWorkflowObserver"/> whose exceptions are caught and reported (<see cref="ListenerFailures"/>), never thrown into the run.</summary>
internal sealed class IsolatedObserver(IWorkflowObserver inner, WorkflowRunReport? report) : IWorkflowObserver
{
    private const string Name = "observer";

    public void WorkflowStarted(string workflowName)
    {
        try { inner.WorkflowStarted(workflowName); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void WorkflowCompleted(string workflowName, TimeSpan duration)
    {
        try { inner.WorkflowCompleted(workflowName, duration); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception)
    {
        try { inner.WorkflowFailed(workflowName, duration, exception); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void WorkflowCancelled(string workflowName, TimeSpan duration)
    {
        try { inner.WorkflowCancelled(workflowName, duration); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepStarted(string workflowName, string stepId)
    {
        try { inner.StepStarted(workflowName, stepId); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
    {
        try { inner.StepCompleted(workflowName, stepId, attempts, duration); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
    {
        try { inner.StepFailed(workflowName, stepId, attempts, duration, exception); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepRetrying(string workflowName, string stepId, int attempt, TimeSpan delay, Exception exception)
    {
        try { inner.StepRetrying(workflowName, stepId, attempt, delay, exception); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepSkipped(string workflowName, string stepId)
    {
        try { inner.StepSkipped(workflowName, stepId); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepCompensated(string workflowName, string stepId)
    {
        try { inner.StepCompensated(workflowName, stepId); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }

    public void StepMessage(string workflowName, string stepId, string message)
    {
        try { inner.StepMessage(workflowName, stepId, message); } catch (Exception e) { ListenerFailures.Report(e, Name, report); }
    }
}
