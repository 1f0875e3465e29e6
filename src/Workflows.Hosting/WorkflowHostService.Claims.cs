using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting;

/// <summary>
/// The claim loop: every <see cref="WorkflowHostOptions.ClaimInterval"/>, each durable workflow claims its runs that
/// became runnable (woken waiting runs, pending runs) and continues them, one after another. Nothing is kept in
/// memory per waiting run: the store's claim query finds them.
/// </summary>
public sealed partial class WorkflowHostService
{
    private void AddClaimLoops(List<Task> loops, WorkflowOptions workflowOptions, TimeProvider time, CancellationToken stoppingToken)
    {
        if (workflowOptions.Store is null || _options.ClaimInterval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }

        foreach (var registration in _catalog.Registrations)
        {
            if (registration.RecoverAsync is not null && registration.IsDurable)
            {
                loops.Add(ClaimLoopAsync(registration, interval, time, stoppingToken));
            }
        }
    }

    private async Task ClaimLoopAsync(WorkflowRegistration registration, TimeSpan interval, TimeProvider time, CancellationToken stoppingToken)
    {
        if (!TryGetInstance(registration, out var instance))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // The runs it claims run to their end (or their next wait) before the next claim: the abort token, not
                // the stopping one, so a stopping host drains them like any run.
                var continued = await registration.RecoverAsync!(instance, _abort.Token).ConfigureAwait(false);
                if (continued > 0)
                {
                    Log.Continued(_logger, registration.Name, continued);
                }
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested || stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store that fails now may answer next time; the host carries on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.RecoveryFailed(_logger, exception, registration.Name);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Workflow {Workflow}: continued {Count} durable run(s) that became runnable (a signal arrived, a timer was due, or it was resumed)")]
        public static partial void Continued(ILogger logger, string workflow, int count);
    }
}
