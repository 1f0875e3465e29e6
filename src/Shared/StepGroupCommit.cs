using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// Group commit for <see cref="IWorkflowStore.RecordStepsAsync"/> (compiled into each store): at most
/// <see cref="MaxInFlight"/> writes at a time per store. A call that finds a write slot free (and no earlier call of
/// its run in flight or waiting) writes at once, alone, without leaving the caller's flow; calls made while every
/// slot is taken wait, and are written together in the next transaction, each with its own result. On PostgreSQL,
/// where every commit waits for a flush to disk, many concurrent runs thus share one commit, and with two slots the
/// next batch forms and starts while the previous one commits (one slot made a lone write and the batch behind it
/// two flushes in a row); on SQLite (one slot) it keeps writers from queueing on the database's write lock.
/// </summary>
/// <remarks>
/// <para>
/// Order: calls of one run are never in flight together. A call whose run has a call in flight or waiting waits
/// behind it, and is written after that one has committed: a step record replaced by a later call (until it is
/// final) is replaced in the order the run made the calls. A call is acknowledged (its task completes) only after
/// the transaction that wrote it has committed.
/// </para>
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

    /// <summary>The runs with a call being written (a run's next call waits until its previous one committed).</summary>
    private readonly HashSet<string> _runsInFlight = new(StringComparer.Ordinal);
    private int _inFlight;
    private bool _disposed;

    /// <param name="maxInFlight">How many writes (a lone call or a batch) may be in flight at once; at least 1.</param>
    protected StepGroupCommit(int maxInFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        MaxInFlight = maxInFlight;
    }

    /// <summary>How many writes may be in flight at once (set by tests and benchmarks only, before any write).</summary>
    public int MaxInFlight { get; internal set; }

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

    /// <summary>Records the steps now when a write slot is free, else with the next batch.</summary>
    public ValueTask<bool> RecordAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
    {
        Waiting? waiting = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inFlight < MaxInFlight && !_runsInFlight.Contains(runId) && !IsWaiting(runId))
            {
                _inFlight++;
                _runsInFlight.Add(runId);
            }
            else
            {
                waiting = new Waiting(this, runId, owner, steps);
                _waiting.Add(waiting);
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

        // A slot was free: this call writes, alone (the common case of a lone run pays no hand-over).
        ValueTask<bool> write;
        try
        {
            write = WriteOneAsync(runId, owner, steps, cancellationToken);
        }
        catch
        {
            WriteDone(runId);
            throw;
        }

        if (write.IsCompleted)
        {
            WriteDone(runId);
            return write;
        }

        return AwaitThenDoneAsync(write, runId);
    }

    /// <summary>
    /// Tests only: awaited by a call that is about to write alone (given its run id), so that the calls made meanwhile
    /// queue for a batch (a gate, where timing cannot be relied on).
    /// </summary>
    internal Func<string, ValueTask>? BeforeLoneWrite { get; set; }

    /// <summary>Tests only: awaited by a batch's writer before it writes (given the batch's run ids, in order).</summary>
    internal Func<IReadOnlyList<string>, ValueTask>? BeforeBatchWrite { get; set; }

    /// <summary>Whether a call of the run waits (its next call must wait behind it). Under the gate.</summary>
    private bool IsWaiting(string runId)
    {
        foreach (var waiting in _waiting)
        {
            if (string.Equals(waiting.RunId, runId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<bool> HeldThenWriteAsync(Func<string, ValueTask> hold, string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
    {
        try
        {
            await hold(runId).ConfigureAwait(false);
            return await WriteOneAsync(runId, owner, steps, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            WriteDone(runId);
        }
    }

    private async ValueTask<bool> AwaitThenDoneAsync(ValueTask<bool> write, string runId)
    {
        try
        {
            return await write.ConfigureAwait(false);
        }
        finally
        {
            WriteDone(runId);
        }
    }

    /// <summary>A lone write ended: its slot goes to a writer of the calls that waited meanwhile, if any, else is freed.</summary>
    private void WriteDone(string runId)
    {
        bool close;
        lock (_gate)
        {
            _runsInFlight.Remove(runId);
            if (_waiting.Count > 0)
            {
                // Not on this caller's flow: its own write is done, and it must not write everyone else's.
                ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.DrainAsync(), this, preferLocal: false);
                return;
            }

            _inFlight--;
            close = _disposed && _inFlight == 0;
        }

        if (close)
        {
            Close();
        }
    }

    /// <summary>Holding a slot: writes batches until no waiting call can be taken, then frees the slot.</summary>
    private async Task DrainAsync()
    {
        var batch = new List<Waiting>();
        var runs = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            batch.Clear();
            runs.Clear();
            taken.Clear();
            bool close;
            lock (_gate)
            {
                // In order; a call whose run is in flight (in another slot) or already in this batch stays, and so
                // does every later call of that run.
                var kept = 0;
                for (var i = 0; i < _waiting.Count; i++)
                {
                    var waiting = _waiting[i];
                    if (batch.Count < MaxBatch && !_runsInFlight.Contains(waiting.RunId) && taken.Add(waiting.RunId))
                    {
                        waiting.Taken = true;
                        batch.Add(waiting);
                        runs.Add(waiting.RunId);
                    }
                    else
                    {
                        taken.Add(waiting.RunId);
                        _waiting[kept++] = waiting;
                    }
                }

                _waiting.RemoveRange(kept, _waiting.Count - kept);
                if (batch.Count == 0)
                {
                    // What still waits belongs to runs in flight: their slots take it when they end.
                    _inFlight--;
                    close = _disposed && _inFlight == 0;
                }
                else
                {
                    foreach (var run in runs)
                    {
                        _runsInFlight.Add(run);
                    }

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

            try
            {
                if (BeforeBatchWrite is { } hold)
                {
                    await hold(runs).ConfigureAwait(false);
                }

                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate)
                {
                    foreach (var run in runs)
                    {
                        _runsInFlight.Remove(run);
                    }
                }
            }
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
            if (_inFlight > 0)
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
