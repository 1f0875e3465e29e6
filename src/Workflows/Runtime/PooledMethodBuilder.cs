using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace Workflows.Runtime;

/// <summary>
/// <see cref="PooledMethodBuilder{TResult}"/> for methods that return <see cref="ValueTask"/>.
/// Not meant to be used directly: generated code names it in an <see cref="AsyncMethodBuilderAttribute"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StructLayout(LayoutKind.Auto)]
public struct PooledMethodBuilder
{
    private PooledMethodBuilder<bool> _builder;

    /// <summary>Creates a builder.</summary>
    public static PooledMethodBuilder Create() => default;

    /// <summary>The method's task: completed when it never waited, else backed by its box.</summary>
    public ValueTask Task => _builder.VoidTask;

    /// <summary>Runs the method up to its first incomplete await.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
        => _builder.Start(ref stateMachine);

    /// <summary>Not used: the builder boxes the state machine itself.</summary>
#pragma warning disable CA1822 // The compiler calls it on the builder instance.
    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }
#pragma warning restore CA1822

    /// <summary>The method returned.</summary>
    public void SetResult() => _builder.SetResult(true);

    /// <summary>The method threw <paramref name="exception"/>.</summary>
    public void SetException(Exception exception) => _builder.SetException(exception);

    /// <summary>Suspends the method until <paramref name="awaiter"/> completes.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => _builder.AwaitOnCompleted(ref awaiter, ref stateMachine);

    /// <summary>Suspends the method until <paramref name="awaiter"/> completes; the box flows the context itself.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => _builder.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}
