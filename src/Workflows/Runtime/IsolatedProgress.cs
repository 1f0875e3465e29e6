using System;

namespace Workflows.Runtime;

/// <summary>A progress handler whose exceptions are caught and reported (<see cref="ListenerFailures"/>), never thrown into the run.</summary>
internal sealed class IsolatedProgress(IProgress<WorkflowProgress> inner, WorkflowRunReport? report) : IProgress<WorkflowProgress>
{
    public void Report(WorkflowProgress value)
    {
        try
        {
            inner.Report(value);
        }
        catch (Exception e)
        {
            ListenerFailures.Report(e, "progress", report);
        }
    }
}
