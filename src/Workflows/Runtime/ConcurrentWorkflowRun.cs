using System;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

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
public abstract class ConcurrentWorkflowRun : CancellationTokenSource, IValueTaskSource
{
    // Also the caller's token (CancellationTokenRegistration.Token): a run keeps no second copy of it. Every field
    // here is allocated once per run.
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly StepThrottle? _throttle;
    private WorkflowFailedException? _failure;

    /// <summary>Starts the shared state of a run.</summary>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="recorder">The run's recorder, when someone listens.</param>
    /// <param name="maxParallel">How many steps may call their actions at once; less than 1 for no bound.</param>
    protected ConcurrentWorkflowRun(CancellationToken cancellationToken, RunRecorder? recorder = null, int maxParallel = -1)
    {
        _throttle = maxParallel >= 1 ? new StepThrottle(maxParallel) : null;
        Recorder = recorder;
        if (cancellationToken.CanBeCanceled)
        {
            _callerRegistration = cancellationToken.UnsafeRegister(static state => ((ConcurrentWorkflowRun)state!).Cancel(), this);
        }
    }

    /// <summary>The workflow's name, for failures: a property of the generated class, not a field of every run.</summary>
    protected abstract string WorkflowName { get; }

    /// <summary>The run's failure, once a step failed.</summary>
    protected WorkflowFailedException? Failure => Volatile.Read(ref _failure);

    /// <summary>Fills the run's report; null unless the caller asked for one.</summary>
    protected RunRecorder? Recorder { get; }

    /// <summary>The run's token: cancelled by the caller, or when a step fails.</summary>
    protected CancellationToken CancellationToken => Token;

    /// <summary>True once a step failed, the caller cancelled or the durable run was paused: steps not yet started must not start.</summary>
    protected bool IsStopping => IsCancellationRequested || Volatile.Read(ref _pausing);

    private bool _pausing;

    /// <summary>
    /// Waits until the step at <paramref name="position"/> (in the static batch order) may run under the run's
    /// bound. Completes at once when the run has none. Every call must be matched by <see cref="Exit"/>.
    /// </summary>
    protected ValueTask EnterAsync(int position) => _throttle is null ? default : _throttle.EnterAsync(position);

    /// <summary>The step at <paramref name="position"/> is done (or skipped): the next may run.</summary>
    protected void Exit(int position) => _throttle?.Exit(position);

    // The batch being awaited (layered runs): how many of its steps are still running, and the run's continuation.
    // The last step to finish continues the run, so a batch costs the run one wait however its steps interleave
    // (awaiting them one by one hands the run from thread to thread as each finishes).
    // The slot is null while the batch runs and nobody waits, the run's continuation once it waits, and s_batchDone
    // once the last step is out. Only that sentinel says "done": a pending count of zero does not, because the last
    // step may not yet have taken the continuation, and the run must not start its next batch (and register its next
    // continuation) before then.
    private static readonly object s_batchDone = new();
    private int _batchPending;
    private object? _batchContinuation;
    private object? _batchContinuationState;

    /// <summary>Before the steps of a batch start: <paramref name="steps"/> of them will call <see cref="ExitBatchStep"/>.</summary>
    protected void StartBatch(int steps)
    {
        // The previous batch is over (the run only goes on once its slot held s_batchDone): nobody else writes here now.
        _batchPending = steps;
        Volatile.Write(ref _batchContinuation, null);
    }

    /// <summary>Completes when every step of the batch started by <see cref="StartBatch"/> has called <see cref="ExitBatchStep"/>.</summary>
    protected ValueTask WhenBatchDoneAsync() => Volatile.Read(ref _batchContinuation) == s_batchDone ? default : new ValueTask(this, 0);

    /// <summary><see cref="Exit"/> for a step of a batch: the last one of the batch continues the run.</summary>
    protected void ExitBatchStep(int position)
    {
        _throttle?.Exit(position);
        if (Interlocked.Decrement(ref _batchPending) == 0
            && Interlocked.Exchange(ref _batchContinuation, s_batchDone) is Action<object?> continuation)
        {
            continuation(_batchContinuationState);
        }
    }

    /// <summary>
    /// True when steps may skip <see cref="EnterAsync"/> and report nothing: the run has no bound on its
    /// parallelism and nobody observes it. Its batches of plain actions can then join the actions' tasks directly.
    /// </summary>
    protected bool CanJoinActionsDirectly => _throttle is null && Recorder is null;

    /// <summary>
    /// A step of a batch, under <see cref="CanJoinActionsDirectly"/>, whose action returned <paramref name="action"/>:
    /// when the task completes, its failure (if any) is recorded and the step counts out of the batch.
    /// </summary>
    protected void JoinBatchStep(int position, int step, string stepId, Task action)
    {
        if (action.IsCompleted)
        {
            CompleteBatchStep(position, step, stepId, action);
        }
        else
        {
            BatchStepJoin.Attach(this, position, step, stepId, action);
        }
    }

    /// <summary>The context the directly called actions of a batch start in: see <see cref="RestoreBatchContext"/>.</summary>
    protected static ExecutionContext? CaptureBatchContext() => ExecutionContext.Capture();

    /// <summary>
    /// Undoes what a directly called action changed in the execution context before it returned its task (an async
    /// local, <c>Activity.Current</c>), as returning from a step method of its own would: the next step starts as
    /// it would in an observed run.
    /// </summary>
    protected static void RestoreBatchContext(ExecutionContext? context)
    {
        if (context is not null)
        {
            ExecutionContext.Restore(context);
        }
    }

    /// <summary>A step of a batch, under <see cref="CanJoinActionsDirectly"/>, whose action threw before returning its task.</summary>
    protected void FailBatchStep(int position, int step, string stepId, Exception exception)
    {
        try
        {
            Fail(step, stepId, exception);
        }
        finally
        {
            ExitBatchStep(position);
        }
    }

    internal void CompleteBatchStep(int position, int step, string stepId, Task action)
    {
        if (action.IsCompletedSuccessfully)
        {
            ExitBatchStep(position);
            return;
        }

        try
        {
            action.GetAwaiter().GetResult(); // throws what an await would: the task failed or was cancelled
        }
        catch (Exception exception)
        {
            FailBatchStep(position, step, stepId, exception);
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token)
        => Volatile.Read(ref _batchContinuation) == s_batchDone ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Pending;

    // Only the generated ExecuteAsync awaits a batch, with ConfigureAwait(false) and through UnsafeOnCompleted:
    // there is no context to capture or flow.
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        // The state first: the last step reads it after taking the continuation, which the exchange below publishes.
        _batchContinuationState = state;
        if (Interlocked.CompareExchange(ref _batchContinuation, continuation, null) is not null)
        {
            // The last step finished between GetStatus and here, and found nobody to continue.
            ThreadPool.UnsafeQueueUserWorkItem(continuation, state, preferLocal: true);
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        // Steps never throw: failures are recorded in the run, and Complete surfaces them.
    }

    /// <summary>
    /// Records that step <paramref name="step"/> threw on its last attempt. Returns true when the run goes on
    /// (<paramref name="continueRun"/>, for <c>on_error: continue</c>); otherwise the run stops.
    /// </summary>
    protected bool Fail(int step, string stepId, Exception exception, int attempts = 1, bool continueRun = false)
    {
        // A cancellation caused by the caller or by a sibling's failure is not a failure of its own.
        if (exception is OperationCanceledException && IsCancellationRequested)
        {
            return false;
        }

        // A durable run's own stop (its pause, a lost lease, the store failing) is not the step's failure: not
        // recorded as one, never swallowed by on_error: continue.
        var runStop = !StepErrors.IsFailure(exception, CancellationToken.None);
        if (!runStop)
        {
            Recorder?.Failed(step, exception, attempts);
            if (continueRun)
            {
                return true;
            }
        }

        var pause = exception is Durability.WorkflowRunPausedException or Durability.WorkflowRunWaitingException;

        var failure = new WorkflowFailedException(WorkflowName, stepId, attempts, exception);
        if (Interlocked.CompareExchange(ref _failure, failure, null) is { } first)
        {
            if (!pause)
            {
                first.AddOtherFailure(failure);
            }
        }
        else if (pause)
        {
            // A pause lets running steps finish (and be recorded); only steps not yet started stop.
            Volatile.Write(ref _pausing, true);
        }
        else
        {
            try
            {
                Cancel();
            }
            catch (AggregateException callbacks)
            {
                // A callback registered on the run's token threw while the run stopped its running steps. The run
                // fails all the same; what the callbacks threw goes with the failure rather than into a thread-pool
                // continuation, where it would end the process.
                failure.AddOtherFailure(new WorkflowFailedException(WorkflowName, stepId, attempts, callbacks));
            }
        }

        return false;
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

        _callerRegistration.Token.ThrowIfCancellationRequested();
    }
}
