using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// Group commit for <see cref="IWorkflowStore.RecordStepsAsync"/> (compiled into each store): one write at a time
/// per store. A call that finds no write in flight writes at once, alone, without leaving the caller's flow; calls
/// made while a write is in flight wait, and are written together in the next transaction, each with its own
/// result. On PostgreSQL, where every commit waits for a flush to disk, many concurrent runs thus share one commit;
/// on SQLite it keeps writers from queueing on the database's write lock.
/// </summary>
/// <remarks>
/// <para>
/// Each call keeps its own meaning inside a shared transaction: a run whose lease is lost, or one of whose steps is
/// already recorded, gets false and none of its steps is written, and the other calls are not affected. A batch holds
/// at most one call per run (a later one for the same run waits for the next batch, in order).
/// </para>
/// <para>
/// Errors: when a shared transaction fails as a whole (an error in one call's statements that the database cannot
/// undo for that call alone, a lost connection, a failed commit), nothing of it is committed and every call of the
/// batch is written again alone, in its own transaction: an error fails only the calls whose own write fails.
/// </para>
/// <para>
/// A waiting call that is cancelled before its batch starts is not written (it ends cancelled); once its batch is
/// being written, it is not cancelled any more.
/// </para>
/// </remarks>
internal abstract class StepGroupCommit : IDisposable
{
    /// <summary>At most this many calls share a transaction.</summary>
    public const int MaxBatch = 128;

    private readonly object _gate = new();
    private readonly List<Waiting> _waiting = new();
    private bool _writing;
    private bool _disposed;

    /// <summary>Writes one call's steps in a transaction of their own (the store's ordinary write).</summary>
    protected abstract ValueTask<bool> WriteOneAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken);

    /// <summary>
    /// Writes several calls (distinct runs) in one transaction, setting each call's <see cref="Waiting.Accepted"/> (or
    /// <see cref="Waiting.Failure"/>); throws when the transaction failed as a whole (nothing of it committed).
    /// </summary>
    protected abstract ValueTask WriteManyAsync(IReadOnlyList<Waiting> batch);

    /// <summary>Releases what the writes hold (a connection); called once, when no write is in flight.</summary>
    protected virtual void Close()
    {
    }

    /// <summary>Records the steps now when nothing else is being written, else with the next batch.</summary>
    public ValueTask<bool> RecordAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
    {
        Waiting? waiting = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writing)
            {
                waiting = new Waiting(this, runId, owner, steps);
                _waiting.Add(waiting);
            }
            else
            {
                _writing = true;
            }
        }

        if (waiting is not null)
        {
            if (cancellationToken.CanBeCanceled)
            {
                waiting.Registration = cancellationToken.Register(static state => ((Waiting)state!).Queue.Cancel((Waiting)state), waiting);
            }

            return new ValueTask<bool>(waiting.Task);
        }

        if (BeforeLoneWrite is { } hold)
        {
            return HeldThenWriteAsync(hold, runId, owner, steps, cancellationToken);
        }

        // Nothing in flight: this call writes, alone (the common case of a lone run pays no hand-over).
        ValueTask<bool> write;
        try
        {
            write = WriteOneAsync(runId, owner, steps, cancellationToken);
        }
        catch
        {
            WriteDone();
            throw;
        }

        if (write.IsCompleted)
        {
            WriteDone();
            return write;
        }

        return AwaitThenDoneAsync(write);
    }

    /// <summary>
    /// Tests only: awaited by a call that is about to write alone, so that the calls made meanwhile queue for a
    /// batch (a gate, where timing cannot be relied on).
    /// </summary>
    internal Func<ValueTask>? BeforeLoneWrite { get; set; }

    private async ValueTask<bool> HeldThenWriteAsync(Func<ValueTask> hold, string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
    {
        try
        {
            await hold().ConfigureAwait(false);
            return await WriteOneAsync(runId, owner, steps, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            WriteDone();
        }
    }

    private async ValueTask<bool> AwaitThenDoneAsync(ValueTask<bool> write)
    {
        try
        {
            return await write.ConfigureAwait(false);
        }
        finally
        {
            WriteDone();
        }
    }

    /// <summary>The write in flight ended: the calls that waited meanwhile are written by a writer of their own.</summary>
    private void WriteDone()
    {
        bool close;
        lock (_gate)
        {
            if (_waiting.Count > 0)
            {
                // Not on this caller's flow: its own write is done, and it must not write everyone else's.
                ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.DrainAsync(), this, preferLocal: false);
                return;
            }

            _writing = false;
            close = _disposed;
        }

        if (close)
        {
            Close();
        }
    }

    /// <summary>Writes batches until nobody waits.</summary>
    private async Task DrainAsync()
    {
        var batch = new List<Waiting>();
        var runs = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            batch.Clear();
            runs.Clear();
            bool close;
            lock (_gate)
            {
                // In order; a second call for a run already in the batch stays for the next one.
                var kept = 0;
                for (var i = 0; i < _waiting.Count; i++)
                {
                    var waiting = _waiting[i];
                    if (batch.Count < MaxBatch && runs.Add(waiting.RunId))
                    {
                        waiting.Taken = true;
                        batch.Add(waiting);
                    }
                    else
                    {
                        _waiting[kept++] = waiting;
                    }
                }

                _waiting.RemoveRange(kept, _waiting.Count - kept);
                if (batch.Count == 0)
                {
                    _writing = false;
                    close = _disposed;
                }
                else
                {
                    close = false;
                }
            }

            if (batch.Count == 0)
            {
                if (close)
                {
                    Close();
                }

                return;
            }

            await WriteBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteBatchAsync(List<Waiting> batch)
    {
        foreach (var waiting in batch)
        {
            waiting.Registration.Dispose();
        }

        if (batch.Count > 1)
        {
            try
            {
                await WriteManyAsync(batch).ConfigureAwait(false);
                foreach (var waiting in batch)
                {
                    waiting.Complete();
                }

                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Nothing of the batch was committed: each call again, alone, gets its own outcome.
            }
        }

        foreach (var waiting in batch)
        {
            try
            {
                waiting.Accepted = await WriteOneAsync(waiting.RunId, waiting.OwnerName, waiting.Steps, CancellationToken.None).ConfigureAwait(false);
                waiting.Failure = null;
            }
            catch (Exception exception)
            {
                waiting.Failure = exception;
            }

            waiting.Complete();
        }
    }

    private void Cancel(Waiting waiting)
    {
        lock (_gate)
        {
            if (waiting.Taken || !_waiting.Remove(waiting))
            {
                return;
            }
        }

        waiting.TrySetCanceled();
    }

    /// <summary>Refuses further calls; what the writes hold is released once the write in flight (if any) ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_writing)
            {
                return;
            }
        }

        Close();
    }

    /// <summary>A call waiting for its batch; its task completes after the batch's commit.</summary>
    internal sealed class Waiting : TaskCompletionSource<bool>
    {
        public Waiting(StepGroupCommit queue, string runId, string owner, IReadOnlyList<StepRecord> steps)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            Queue = queue;
            RunId = runId;
            OwnerName = owner;
            Steps = steps;
        }

        public string RunId { get; }

        public string OwnerName { get; }

        public IReadOnlyList<StepRecord> Steps { get; }

        /// <summary>Set by the store: the call's result once its batch commits.</summary>
        public bool Accepted { get; set; }

        /// <summary>Set by the store: the error of this call's own statements (the others' still commit).</summary>
        public Exception? Failure { get; set; }

        internal bool Taken { get; set; }

        internal StepGroupCommit Queue { get; }

        internal CancellationTokenRegistration Registration { get; set; }

        internal void Complete()
        {
            if (Failure is { } failure)
            {
                TrySetException(failure);
            }
            else
            {
                TrySetResult(Accepted);
            }
        }
    }
}
