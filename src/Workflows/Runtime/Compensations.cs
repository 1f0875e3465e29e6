using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Runtime;

/// <summary>
/// The undo actions of the steps a run completed, in completion order. When the run fails they run in
/// reverse (a saga). Created only for workflows whose steps declare <c>compensate:</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Compensations
{
    private readonly List<(int Step, string StepId, Func<CancellationToken, ValueTask> Undo)> _completed = new();

    /// <summary>Step <paramref name="step"/> completed: remember how to undo it.</summary>
    public void Add(int step, string stepId, Func<CancellationToken, ValueTask> undo)
    {
        lock (_completed)
        {
            _completed.Add((step, stepId, undo));
        }
    }

    /// <summary>
    /// Undoes the completed steps, last completed first. A compensation that throws is recorded on
    /// <paramref name="failure"/> and the others still run. Compensations run to completion even though the
    /// run's own token may be cancelled: they are how the failure is cleaned up.
    /// </summary>
    public async ValueTask RunAsync(WorkflowFailedException failure, RunRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(failure);
        (int Step, string StepId, Func<CancellationToken, ValueTask> Undo)[] completed;
        lock (_completed)
        {
            completed = _completed.ToArray();
            _completed.Clear();
        }

        for (var i = completed.Length - 1; i >= 0; i--)
        {
            var (step, stepId, undo) = completed[i];
            try
            {
                await undo(CancellationToken.None).ConfigureAwait(false);
                if (recorder?.Durable is { } durable)
                {
                    await durable.CompensatedAsync(stepId).ConfigureAwait(false);
                }

                recorder?.Compensated(step);
            }
            catch (Exception exception)
            {
                failure.AddCleanupFailure(new WorkflowCleanupFailure(stepId, WorkflowCleanupKind.Compensation, exception));
            }
        }
    }
}
