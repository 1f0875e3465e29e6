using System;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// Runs of workflows with limits across runs (<c>concurrency:</c>, <c>rate:</c>) or a <c>priority:</c>: they are
/// created pending and queued, and start only when a claim admits them within their limits.
/// </summary>
public sealed partial class DurableRun
{
    /// <summary>What the store records of a new run: its limits from the descriptor, its key and priority from its inputs.</summary>
    private static NewRun NewRunOf(WorkflowDescriptor descriptor, string definitionHash, string runId, string? inputsJson, DateTimeOffset now, RunAdmission? admission) =>
        new(runId, descriptor.Name, definitionHash, inputsJson, now)
        {
            Limits = descriptor.Limits,
            ConcurrencyKey = admission?.ConcurrencyKey ?? string.Empty,
            Priority = admission?.Priority ?? 0,
        };

    /// <summary>
    /// Waits for a queued run's turn: tries to claim it every <see cref="WorkflowOptions.ControlInterval"/> (a claim
    /// admits it only within its limits, in order), keeping it reserved for this process, until it is this process's,
    /// or until it is no longer pending (cancelled, or claimed after this process's reservation lapsed); then the run.
    /// </summary>
    private static async ValueTask<RunRecord> AwaitAdmissionAsync(IWorkflowStore store, WorkflowOptions options, RunRecord run, CancellationToken cancellationToken)
    {
        var interval = options.ControlInterval > TimeSpan.Zero ? options.ControlInterval : TimeSpan.FromSeconds(1);
        while (true)
        {
            var now = options.TimeProvider.GetUtcNow();
            if (await store.TryClaimRunAsync(run.RunId, options.Owner, now, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false) is { } claimed)
            {
                return claimed;
            }

            run = await store.GetRunAsync(run.RunId, cancellationToken).ConfigureAwait(false) ?? run;
            if (run.Status != RunStatus.Pending)
            {
                return run;
            }

            // Still waiting: keep it reserved for this process (no other claimer takes it while its caller waits).
            if (run.Owner == options.Owner)
            {
                await store.RenewLeaseAsync(run.RunId, options.Owner, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(interval, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
