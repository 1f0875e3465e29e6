using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Workflows.Durability;

namespace Workflows.Hosting;

/// <summary>
/// The claim loop: the host is a worker. It claims the durable runs that need an owner (enqueued, woken waiting runs,
/// resumed or retried runs, runs of a dead process) of every durable workflow it has, up to
/// <see cref="WorkflowHostOptions.MaxConcurrentRuns"/> at once, runs them concurrently, and claims more as they end.
/// It claims when a run ends, when the store sends a wake-up notice (<see cref="IWorkflowWakeups"/>), and every
/// <see cref="WorkflowHostOptions.ClaimInterval"/> (the fallback that finds what no notice announced: due timers, runs
/// of dead processes). Nothing is kept in memory per waiting run: the store's claim query finds them.
/// </summary>
public sealed partial class WorkflowHostService
{
    private readonly ClaimSignal _claimSignal = new();
    private readonly Dictionary<string, TaskCompletionSource> _active = new(StringComparer.Ordinal);
    private int _claimedRunning;

    /// <summary>How many durable runs this host claimed and is running now (at most <see cref="WorkflowHostOptions.MaxConcurrentRuns"/>).</summary>
    public int ClaimedRunCount => Volatile.Read(ref _claimedRunning);

    /// <summary>
    /// True for the workflows the worker pool runs: durable, continued by id (generated code has both). Others (written by
    /// hand with only <see cref="WorkflowRegistration.RecoverAsync"/>) are recovered one run after another.
    /// </summary>
    private static bool InPool(WorkflowRegistration registration, WorkflowOptions workflowOptions)
        => workflowOptions.Store is not null && registration.IsDurable && registration.ResumeAsync is not null && registration.RecoverAsync is not null;

    private void AddClaimLoops(List<Task> loops, WorkflowOptions workflowOptions, TimeProvider time, CancellationToken stoppingToken)
    {
        var claimInterval = _options.ClaimInterval is { } value && value > TimeSpan.Zero ? value : (TimeSpan?)null;
        var pool = new List<(WorkflowRegistration Registration, object Instance)>();
        foreach (var registration in _catalog.Registrations)
        {
            if (InPool(registration, workflowOptions))
            {
                if (TryGetInstance(registration, out var instance))
                {
                    pool.Add((registration, instance));
                }
            }
            else if (claimInterval is { } interval && workflowOptions.Store is not null && registration.RecoverAsync is not null && registration.IsDurable)
            {
                loops.Add(ClaimLoopAsync(registration, interval, time, stoppingToken));
            }
        }

        if (pool.Count > 0 && (claimInterval is not null || _options.RecoverOnStart))
        {
            loops.Add(WorkerPoolAsync(pool, workflowOptions.WithDrainToken(_drain.Token), claimInterval, time, stoppingToken));
        }
    }

    /// <summary>
    /// Claims and starts runs while slots are free. With a claim interval it goes on until the host stops; without, it
    /// only recovers at start (claiming more as slots free, while there is more to claim).
    /// </summary>
    private async Task WorkerPoolAsync(
        List<(WorkflowRegistration Registration, object Instance)> workflows, WorkflowOptions options, TimeSpan? interval, TimeProvider time, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var max = Math.Max(1, _options.MaxConcurrentRuns);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (registration, _) in workflows)
        {
            names.Add(registration.Name);
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _drain.Token);
        var listener = interval is not null && options.Store is IWorkflowWakeups wakeups
            ? ListenAsync(wakeups, names, stopping.Token)
            : Task.CompletedTask;
        var refused = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;
        DateTimeOffset? expiredAt = null;
        var claimNow = _options.RecoverOnStart;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!claimNow && !await WaitForClaimAsync(interval, time, stopping.Token).ConfigureAwait(false))
                {
                    return;
                }

                claimNow = false;

                // Signals from here on ask for another pass: a run that ends while this one claims is not missed.
                _claimSignal.Reset();
                var now = time.GetUtcNow();
                var expire = expiredAt is not { } last || now - last >= (interval ?? TimeSpan.Zero);
                if (expire)
                {
                    expiredAt = now;
                }

                var free = max - Volatile.Read(ref _claimedRunning);

                // Fair shares first (the free slots split across the workflows), then what is left to whoever has more.
                var mayHaveMore = true;
                for (var round = 0; round < 2 && mayHaveMore && free > 0; round++)
                {
                    mayHaveMore = false;
                    for (var i = 0; i < workflows.Count && free > 0 && !stopping.IsCancellationRequested; i++)
                    {
                        var (registration, instance) = workflows[(next + i) % workflows.Count];
                        var ask = round == 0 ? (free + workflows.Count - i - 1) / (workflows.Count - i) : free;
                        IReadOnlyList<RunRecord> claimed;
                        try
                        {
                            claimed = await DurableRun.ClaimForHostAsync(options, registration.Name, ask, expire && round == 0, _abort.Token).ConfigureAwait(false);
                            mayHaveMore |= claimed.Count == ask;
                        }
                        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                        {
                            return;
                        }
#pragma warning disable CA1031 // A store that fails now may answer next time; the host carries on.
                        catch (Exception exception)
#pragma warning restore CA1031
                        {
                            Log.RecoveryFailed(_logger, exception, registration.Name);
                            continue;
                        }

                        foreach (var run in claimed)
                        {
                            bool wasRefused;
                            lock (refused)
                            {
                                wasRefused = refused.Contains(run.RunId);
                            }

                            if (wasRefused)
                            {
                                // Its completed steps do not match this definition: left for a process that has the old one.
                                await ReleaseQuietlyAsync(options, run.RunId).ConfigureAwait(false);
                                continue;
                            }

                            free--;
                            StartClaimed(registration, instance, run.RunId, refused);
                        }
                    }
                }

                // Round robin: the next pass asks another workflow first, so one with a long queue does not take every slot.
                next = (next + 1) % workflows.Count;
                if (interval is null && free > 0)
                {
                    return; // Recovery at start only: nothing more to claim.
                }
            }
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await listener.ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a run to end, a wake-up notice, or the claim interval; false when the host stops.</summary>
    private async Task<bool> WaitForClaimAsync(TimeSpan? interval, TimeProvider time, CancellationToken stopping)
    {
        var signalled = _claimSignal.WaitAsync();
        if (signalled.IsCompleted)
        {
            return !stopping.IsCancellationRequested;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var tick = interval is { } every ? Task.Delay(every, time, waiting.Token) : Task.Delay(Timeout.Infinite, waiting.Token);
        await Task.WhenAny(signalled, tick).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false); // removes the timer when the signal came first
        return !stopping.IsCancellationRequested;
    }

    private async Task ListenAsync(IWorkflowWakeups wakeups, HashSet<string> names, CancellationToken stopping)
    {
        try
        {
            await wakeups.ListenAsync(
                name =>
                {
                    if (name.Length == 0 || names.Contains(name))
                    {
                        _claimSignal.Set();
                    }
                },
                stopping).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Without notices the host still polls.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.ListenFailed(_logger, exception);
        }
    }

    /// <summary>Runs a claimed run in a slot; when it ends, the slot frees and the pool claims again.</summary>
    private void StartClaimed(WorkflowRegistration registration, object instance, string runId, HashSet<string> refused)
    {
        Interlocked.Increment(ref _claimedRunning);
        Track(Task.Run(() => RunClaimedAsync(registration, instance, runId, refused), CancellationToken.None), onEnd: null);
    }

    /// <summary>
    /// Marks run <paramref name="runId"/> as run by this host; false when it already is. A host is one owner: a scheduled
    /// occurrence and a claim of the same run must not both execute it (the store would take both as the owner's).
    /// </summary>
    private bool TryActivate(string runId, out Task busy)
    {
        lock (_active)
        {
            if (_active.TryGetValue(runId, out var running))
            {
                busy = running.Task;
                return false;
            }

            _active[runId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            busy = Task.CompletedTask;
            return true;
        }
    }

    private void Deactivate(string runId)
    {
        TaskCompletionSource? running;
        lock (_active)
        {
            _active.Remove(runId, out running);
        }

        running?.TrySetResult();
    }

    /// <summary>Waits until this host runs run <paramref name="runId"/> no more (a scheduled occurrence of it ended), then marks it active.</summary>
    private async Task ActivateAsync(string runId)
    {
        while (!TryActivate(runId, out var busy))
        {
            await busy.ConfigureAwait(false);
        }
    }

    private async Task RunClaimedAsync(WorkflowRegistration registration, object instance, string runId, HashSet<string> refused)
    {
        var claimAgain = true;
        try
        {
            // Claimed while a scheduled occurrence of the same run starts in this host (the same owner, so the store let
            // both have it): it runs first; this then finds the run finished, or continues it.
            await ActivateAsync(runId).ConfigureAwait(false);
            await registration.ResumeAsync!(instance, runId, _abort.Token).ConfigureAwait(false);
            Log.ClaimedRunEnded(_logger, registration.Name, runId, "succeeded");
        }
        catch (WorkflowDefinitionChangedException exception)
        {
            lock (refused)
            {
                refused.Add(runId);
            }

            claimAgain = false; // It was released as pending: claiming at once would only claim it again.
            Log.DefinitionChanged(_logger, registration.Name, runId, exception.Message);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            Log.RunStopped(_logger, registration.Name, runId);
        }
#pragma warning disable CA1031 // Its outcome (failed, paused, waiting, left to another owner) is in the store; the host carries on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.ClaimedRunEnded(_logger, registration.Name, runId, exception.Message);
        }
        finally
        {
            // Inactive before the slot frees: the next pass may claim this run again (released by a drain or a pause).
            Deactivate(runId);
            Interlocked.Decrement(ref _claimedRunning);
            if (claimAgain)
            {
                _claimSignal.Set();
            }
        }
    }

    private static async Task ReleaseQuietlyAsync(WorkflowOptions options, string runId)
    {
        try
        {
            await options.Store!.ReleaseRunAsync(runId, options.Owner, RunStatus.Pending, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Not released: its lease expires and it is claimable again.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>For workflows outside the pool: every interval, recovers the workflow's runnable runs one after another.</summary>
    private async Task ClaimLoopAsync(WorkflowRegistration registration, TimeSpan interval, TimeProvider time, CancellationToken stoppingToken)
    {
        if (!TryGetInstance(registration, out var instance))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // The runs it claims run to their end (or their next wait) before the next claim: the abort token, not
                // the stopping one, so a stopping host drains them like any run.
                var continued = await registration.RecoverAsync!(instance, _abort.Token).ConfigureAwait(false);
                if (continued > 0)
                {
                    Log.Continued(_logger, registration.Name, continued);
                }
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested || stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store that fails now may answer next time; the host carries on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.RecoveryFailed(_logger, exception, registration.Name);
            }
        }
    }

    /// <summary>An auto-reset signal to await: set by ending runs and wake-up notices, reset by the pass that answers it.</summary>
    private sealed class ClaimSignal
    {
        private readonly object _gate = new();
        private TaskCompletionSource _set = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set()
        {
            lock (_gate)
            {
                _set.TrySetResult();
            }
        }

        public void Reset()
        {
            lock (_gate)
            {
                if (_set.Task.IsCompleted)
                {
                    _set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public Task WaitAsync()
        {
            lock (_gate)
            {
                return _set.Task;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "Workflow {Workflow}: continued {Count} durable run(s) that became runnable (a signal arrived, a timer was due, or it was resumed)")]
        public static partial void Continued(ILogger logger, string workflow, int count);

        [LoggerMessage(EventId = 121, Level = LogLevel.Debug, Message = "Workflow {Workflow}: claimed run {RunId} ended: {Outcome}")]
        public static partial void ClaimedRunEnded(ILogger logger, string workflow, string runId, string outcome);

        [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Workflow {Workflow}: run {RunId} is left to a process with its definition: {Reason}")]
        public static partial void DefinitionChanged(ILogger logger, string workflow, string runId, string reason);

        [LoggerMessage(EventId = 123, Level = LogLevel.Warning, Message = "Listening for wake-up notices failed; the host finds new runs by polling")]
        public static partial void ListenFailed(ILogger logger, Exception exception);
    }
}
