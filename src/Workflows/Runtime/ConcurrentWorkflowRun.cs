using System;
using System.ComponentModel;
using System.Threading;

namespace Workflows.Runtime;

/// <summary>
/// State shared by the steps of one run of a generated workflow whose steps can run concurrently.
/// Not meant to be used directly: generated code derives from it.
/// </summary>
/// <remarks>
/// Steps never throw into each other: a step that fails records the failure here and cancels the run,
/// so running siblings stop and steps that have not started are skipped. The run then surfaces the first
/// failure (or the caller's cancellation) once every started step has finished.
/// The run is its own <see cref="CancellationTokenSource"/>: one object per run, not two.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ConcurrentWorkflowRun : CancellationTokenSource
{
    private readonly string _workflowName;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenRegistration _callerRegistration;
    private WorkflowFailedException? _failure;

    /// <summary>Starts the shared state of a run.</summary>
    protected ConcurrentWorkflowRun(string workflowName, CancellationToken cancellationToken)
    {
        _workflowName = workflowName;
        _callerToken = cancellationToken;
        CancellationToken = Token;
        if (cancellationToken.CanBeCanceled)
        {
            _callerRegistration = cancellationToken.UnsafeRegister(static state => ((ConcurrentWorkflowRun)state!).Cancel(), this);
        }
    }

    /// <summary>The run's token: cancelled by the caller, or when a step fails.</summary>
    protected CancellationToken CancellationToken { get; }

    /// <summary>True once a step failed or the caller cancelled: steps not yet started must not start.</summary>
    protected bool IsStopping => IsCancellationRequested;

    /// <summary>Records that a step's action threw.</summary>
    protected void Fail(string stepId, Exception exception) => Fail(stepId, exception, attempts: 1);

    /// <summary>Records that a step's action threw on its last attempt.</summary>
    protected void Fail(string stepId, Exception exception, int attempts)
    {
        // A cancellation caused by the caller or by a sibling's failure is not a failure of its own.
        if (exception is OperationCanceledException && IsCancellationRequested)
        {
            return;
        }

        var failure = new WorkflowFailedException(_workflowName, stepId, attempts, exception);
        if (Interlocked.CompareExchange(ref _failure, failure, null) is null)
        {
            Cancel();
        }
    }

    /// <summary>Called once every started step has finished: throws the run's outcome, if it is not success.</summary>
    protected void Complete()
    {
        _callerRegistration.Dispose();
        Dispose();
        if (_failure is not null)
        {
            throw _failure;
        }

        _callerToken.ThrowIfCancellationRequested();
    }
}
