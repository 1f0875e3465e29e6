using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;

namespace Workflows.Runtime;

/// <summary>
/// Writes the history of a run that is not durable into the store (<see cref="WorkflowOptions.History"/>): once, when
/// it ended, from its report: a run record with its outcome and a record per step. Three writes per run, none per
/// step, so such runs keep their speed; nothing in them is ever resumed. Inputs and outputs are not stored.
/// </summary>
internal static class RunHistory
{
    public static async ValueTask WriteAsync(WorkflowOptions options, WorkflowDescriptor descriptor, WorkflowRunReport report, Exception? exception)
    {
        var store = options.Store!;
        try
        {
            var runId = "history-" + Guid.NewGuid().ToString("N");
            var now = options.TimeProvider.GetUtcNow();
            var owner = options.Owner;
            await store.StartRunAsync(new NewRun(runId, descriptor.Name, WorkflowRuns.HistoryOnlyHash, null, report.StartedAt), owner, now + TimeSpan.FromMinutes(5), CancellationToken.None).ConfigureAwait(false);
            var steps = new List<StepRecord>(report.Steps.Count);
            for (var i = 0; i < report.Steps.Count; i++)
            {
                var step = report.Steps[i];
                if (step.Status == StepStatus.Pending)
                {
                    continue;
                }

                steps.Add(new StepRecord(runId, step.Id, -1, descriptor.Steps[i].Action, step.Attempts, step.Status, null,
                    step.Status == StepStatus.Skipped ? RunRecorder.SkipReason(descriptor, report, i) : step.Exception is null ? null : SecretRedactor.Redact(step.Exception.Message),
                    step.StartedAt ?? step.CompletedAt ?? now, step.CompletedAt ?? now));
            }

            if (steps.Count > 0)
            {
                await store.RecordStepsAsync(runId, owner, steps, CancellationToken.None).ConfigureAwait(false);
            }

            var status = report.Status switch
            {
                WorkflowRunStatus.Succeeded => RunStatus.Succeeded,
                WorkflowRunStatus.Cancelled => RunStatus.Cancelled,
                _ => RunStatus.Failed,
            };
            await store.CompleteRunAsync(runId, owner, status, null, exception is null ? null : SecretRedactor.Redact(exception.Message), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // History is a listener of the run: it never changes the run's outcome.
            ListenerFailures.Report(failure, "history", report);
        }
    }
}
