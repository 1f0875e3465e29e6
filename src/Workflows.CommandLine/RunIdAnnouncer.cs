using System.IO;
using System.Threading;

namespace Workflows.CommandLine;

/// <summary>
/// Prints "run &lt;id&gt;" when the durable run has started (it is in the store, so its id can be resumed, retried or
/// looked up), and not for a run that never started (bad inputs): that id would lead nowhere.
/// </summary>
internal sealed class RunIdAnnouncer(TextWriter error, string workflowName, string runId) : IWorkflowObserver
{
    private int _announced;

    public void WorkflowStarted(string startedName)
    {
        if (startedName == workflowName && Interlocked.Exchange(ref _announced, 1) == 0)
        {
            error.WriteLine("run " + Format.Terminal(runId));
        }
    }
}
