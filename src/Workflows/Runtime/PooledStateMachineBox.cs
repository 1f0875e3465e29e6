using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Workflows.Runtime;

/// <summary>
/// The heap home of one suspended generated method (a step of a batch, or a run's <c>ExecuteAsync</c>), reused
/// through a small pool that every thread shares.
/// </summary>
/// <remarks>
/// Why not <see cref="PoolingAsyncValueTaskMethodBuilder"/>: its cache is one box per thread plus one per core.
/// A box goes back on the thread that happened to finish the batch, and sits in that thread's slot while the
/// next run rents on another thread and allocates. A run rents each of its boxes once and returns each once,
/// so a pool any thread can take from hits on every run, as long as fewer than <see cref="PoolSize"/> runs of
/// the same workflow overlap.
/// </remarks>
internal sealed class PooledStateMachineBox<TStateMachine, TResult> : PooledBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>How many idle boxes of one method are kept: enough for the runs a few cores overlap.</summary>
    internal static readonly int PoolSize = Math.Clamp(Environment.ProcessorCount * 2, 4, 32);

    private static readonly PooledStateMachineBox<TStateMachine, TResult>?[] s_pool = new PooledStateMachineBox<TStateMachine, TResult>?[PoolSize];

    private static readonly ContextCallback s_moveNext = static box => ((PooledStateMachineBox<TStateMachine, TResult>)box!).StateMachine!.MoveNext();

    private Action? _moveNextAction;

    /// <summary>The method's state machine, copied here at its first incomplete await. A field: MoveNext mutates it in place.</summary>
    internal TStateMachine? StateMachine;

    /// <summary>The context captured at the latest await, which MoveNext runs in (null when its flow is suppressed).</summary>
    internal ExecutionContext? Context;

    /// <summary>The continuation given to awaiters: created once per box, so reusing the box reuses it too.</summary>
    internal Action MoveNextAction => _moveNextAction ??= MoveNext;

    internal static PooledStateMachineBox<TStateMachine, TResult> Rent() => SharedPool.Rent(s_pool) ?? new();

    protected override void Return()
    {
        // Cleared first: an idle box must not keep the run, and what it references, alive.
        StateMachine = default;
        Context = null;
        ResetCore();
        SharedPool.Return(s_pool, this);
    }

    private void MoveNext()
    {
        // Nothing of the box may be touched after the state machine's MoveNext: once the method completes, its
        // caller may read the outcome, return the box to the pool, and another run may be using it.
        var context = Context;
        if (context is null)
        {
            StateMachine!.MoveNext();
        }
        else
        {
            ExecutionContext.Run(context, s_moveNext, this);
        }
    }
}
