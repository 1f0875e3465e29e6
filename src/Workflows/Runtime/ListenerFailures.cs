using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Workflows.Runtime;

/// <summary>
/// Where an exception thrown by an observer, a progress handler or a logger goes: such code is the app's, and
/// it runs inside a run, but it must never change the run's outcome. The exception (masked) is added to the
/// run's report, to the current span as an event, and to the <c>workflows.listener.failures</c> counter.
/// </summary>
internal static class ListenerFailures
{
    public static void Report(Exception exception, string listener, WorkflowRunReport? report)
    {
        try
        {
            exception = SecretRedactor.Redact(exception);
            report?.AddListenerFailure(exception);
            Activity.Current?.AddEvent(new ActivityEvent("workflow.listener_failed", tags: new ActivityTagsCollection
            {
                ["workflow.listener"] = listener,
                ["exception.type"] = exception.GetType().FullName,
                ["exception.message"] = exception.Message,
            }));
            WorkflowTelemetry.ListenerFailures.Add(1, new KeyValuePair<string, object?>("workflow.listener", listener));
        }
        catch (Exception)
        {
            // Reporting a listener's failure must not fail either (a throwing metrics listener, say).
        }
    }
}
