using System;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Workflows.Runtime;

/// <summary>
/// What a caller awaits of a <see cref="PooledMethodBuilder{TResult}"/> method: the outcome, and the way back
/// to the pool once the caller has read it. Awaiting it a second time is an error, as for any pooled ValueTask.
/// </summary>
internal abstract class PooledBox<TResult> : IValueTaskSource, IValueTaskSource<TResult>
{
    private ManualResetValueTaskSourceCore<TResult> _core;

    internal ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    internal ValueTask AsVoidValueTask() => new(this, _core.Version);

    internal void SetResult(TResult result) => _core.SetResult(result);

    internal void SetException(Exception exception) => _core.SetException(exception);

    /// <summary>Clears what the box holds and offers it to the pool; the caller has read the outcome.</summary>
    protected abstract void Return();

    /// <summary>Ready for the next method: a new version, so a stale ValueTask of the last one is refused.</summary>
    protected void ResetCore() => _core.Reset();

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    public TResult GetResult(short token)
    {
        // A stale token (a second await) or an unfinished method is the caller's mistake: refuse it, and keep the
        // box out of the pool, where it would still be in use, or be twice.
        if (_core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            throw new InvalidOperationException("The operation has not completed: a pooled ValueTask can be read only once it has, and only once.");
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Return();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);
}
