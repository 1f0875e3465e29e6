using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Runtime;

/// <summary>
/// The async method builder of generated methods that run once per run and whose task is awaited exactly once:
/// the steps of a batch, and a run's <c>ExecuteAsync</c>. Like <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/>,
/// but its boxes come from a pool that every thread shares (see <see cref="PooledStateMachineBox{TStateMachine, TResult}"/>).
/// Not meant to be used directly: generated code names it in an <see cref="AsyncMethodBuilderAttribute"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StructLayout(LayoutKind.Auto)]
public struct PooledMethodBuilder<TResult>
{
    // Null until the method awaits something incomplete, then its box; a faulted Task when it threw before that.
    private object? _task;
    private TResult _result;

    /// <summary>Creates a builder.</summary>
#pragma warning disable CA1000 // The compiler's builder pattern: a static Create on the builder type.
    public static PooledMethodBuilder<TResult> Create() => default;
#pragma warning restore CA1000

    /// <summary>The method's task: its result when it never waited, else backed by its box.</summary>
    public ValueTask<TResult> Task => _task switch
    {
        null => new ValueTask<TResult>(_result),
        Task<TResult> faulted => new ValueTask<TResult>(faulted),
        var box => Unsafe.As<PooledBox<TResult>>(box).AsValueTask(),
    };

    /// <summary>The same task, for methods without a result.</summary>
    internal ValueTask VoidTask => _task switch
    {
        null => default,
        Task faulted => new ValueTask(faulted),
        var box => Unsafe.As<PooledBox<TResult>>(box).AsVoidValueTask(),
    };

    /// <summary>Runs the method up to its first incomplete await.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
        => default(AsyncValueTaskMethodBuilder).Start(ref stateMachine); // restores the thread's contexts afterwards

    /// <summary>Not used: the builder boxes the state machine itself.</summary>
#pragma warning disable CA1822 // The compiler calls it on the builder instance.
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }
#pragma warning restore CA1822

    /// <summary>The method returned <paramref name="result"/>.</summary>
    public void SetResult(TResult result)
    {
        if (_task is null)
        {
            _result = result;
        }
        else
        {
            Unsafe.As<PooledBox<TResult>>(_task).SetResult(result);
        }
    }

    /// <summary>The method threw <paramref name="exception"/>.</summary>
    public void SetException(Exception exception)
    {
        if (_task is null)
        {
            // As the runtime's builders do: a cancellation makes a cancelled task (with its token), not a faulted one.
            if (exception is OperationCanceledException canceled)
            {
                var source = new TaskCompletionSource<TResult>();
                source.TrySetCanceled(canceled.CancellationToken);
                _task = source.Task;
            }
            else
            {
                _task = System.Threading.Tasks.Task.FromException<TResult>(exception);
            }
        }
        else
        {
            Unsafe.As<PooledBox<TResult>>(_task).SetException(exception);
        }
    }

    /// <summary>Suspends the method until <paramref name="awaiter"/> completes.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => awaiter.OnCompleted(GetBox(ref stateMachine).MoveNextAction);

    /// <summary>Suspends the method until <paramref name="awaiter"/> completes; the box flows the context itself.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => awaiter.UnsafeOnCompleted(GetBox(ref stateMachine).MoveNextAction);

    private PooledStateMachineBox<TStateMachine, TResult> GetBox<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var context = ExecutionContext.Capture();
        if (_task is PooledStateMachineBox<TStateMachine, TResult> box)
        {
            box.Context = context;
            return box;
        }

        box = PooledStateMachineBox<TStateMachine, TResult>.Rent();
        _task = box; // before the copy below, so the boxed copy's builder knows its box too
        box.StateMachine = stateMachine;
        box.Context = context;
        return box;
    }
}
