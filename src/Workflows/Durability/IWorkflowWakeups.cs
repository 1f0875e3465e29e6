using System;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// A store that can tell idle hosts at once that a run became runnable (enqueued, resumed, retried, signalled), so a
/// run starts within milliseconds instead of at the hosts' next poll (<c>WorkflowHostOptions.ClaimInterval</c>).
/// Notices are hints, never the source of truth: a host that missed one finds the run at its next poll, and one that
/// gets a notice for nothing claims nothing.
/// </summary>
/// <remarks>
/// PostgreSQL sends them with <c>NOTIFY</c> to every process on the database; SQLite within the process, to hosts on
/// the same file (another process on the file finds the run at its next poll).
/// </remarks>
public interface IWorkflowWakeups
{
    /// <summary>Tells listening hosts that runs of <paramref name="workflowName"/> (every workflow when empty) may be claimable.</summary>
    ValueTask NotifyRunnableAsync(string workflowName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onRunnable"/> with the workflow's name (empty: any workflow) for every notice, until
    /// <paramref name="cancellationToken"/> is cancelled; then completes. A lost connection is re-established (and
    /// reported as a notice for any workflow, since notices may have been missed meanwhile).
    /// </summary>
    Task ListenAsync(Action<string> onRunnable, CancellationToken cancellationToken);
}

/// <summary>Sends wake-up notices on stores that have them, best effort.</summary>
public static class RunnableNotice
{
    /// <summary>Notifies listening hosts, when <paramref name="store"/> supports it; a failure is ignored (hosts poll too).</summary>
    public static async ValueTask SendAsync(IWorkflowStore? store, string workflowName)
    {
        if (store is not IWorkflowWakeups wakeups)
        {
            return;
        }

        try
        {
            await wakeups.NotifyRunnableAsync(workflowName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A hint only: the run is recorded, and the hosts' next poll finds it.
        }
    }
}
