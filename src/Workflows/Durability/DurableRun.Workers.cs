using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

public sealed partial class DurableRun
{
    /// <summary>
    /// Claims up to <paramref name="max"/> runs of workflow <paramref name="workflowName"/> that need an owner, for a
    /// host that then continues each by its id (<see cref="ContinueAsync"/>: the claimer's own lease is kept, so no other
    /// process can take them meanwhile). With <paramref name="expireGoneOwners"/>, the leases of runs whose owner was a
    /// process of this machine that has ended are ended first, so they are claimed at once.
    /// </summary>
    public static async ValueTask<IReadOnlyList<RunRecord>> ClaimForHostAsync(WorkflowOptions options, string workflowName, int max, bool expireGoneOwners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = options.Store ?? throw new InvalidOperationException($"Workflow '{workflowName}' claims durable runs only with a store: set WorkflowOptions.Store.");
        if (expireGoneOwners)
        {
            await ExpireGoneOwnersAsync(store, options, workflowName, cancellationToken).ConfigureAwait(false);
        }

        if (max <= 0 || options.DrainToken.IsCancellationRequested)
        {
            return Array.Empty<RunRecord>();
        }

        var now = options.TimeProvider.GetUtcNow();
        return await store.ClaimRunsAsync(options.Owner, now, now + options.LeaseDuration, max, workflowName, cancellationToken).ConfigureAwait(false);
    }
}
