using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>
/// One execution of a durable run by this process: it owns the run's lease (renewing it), knows which steps
/// completed before (so they are restored, not run again), records each step as it completes, and records
/// the run's outcome once. Not meant to be used directly: generated code drives it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class DurableRun : IAsyncDisposable
{
    private readonly IWorkflowStore _store;
    private readonly WorkflowOptions _options;
    private readonly Dictionary<(string StepId, int Item), StepRecord> _completed;
    private readonly CancellationTokenSource _stop;
    private readonly ITimer _renewal;
    private readonly string _workflowName;
    private readonly WorkflowDescriptor _descriptor;
    private readonly IReadOnlyList<string> _signatures;
    private readonly TimeSpan _renewEvery;
    private DateTimeOffset _renewDue;
    private int _paused;
    private int _pauseRequested;
    private int _cancelledByControl;
    private int _leaseLost;
    private int _ticking;

    private DurableRun(IWorkflowStore store, WorkflowOptions options, WorkflowDescriptor descriptor, IReadOnlyList<string> signatures, RunRecord run, Dictionary<(string, int), StepRecord> completed, CancellationToken cancellationToken)
    {
        _store = store;
        _options = options;
        _descriptor = descriptor;
        _signatures = signatures;
        _workflowName = descriptor.Name;
        _completed = completed;
        RunId = run.RunId;
        InputsJson = run.InputsJson;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _renewEvery = TimeSpan.FromTicks(Math.Max(options.LeaseDuration.Ticks / 3, TimeSpan.TicksPerMillisecond));
        _renewDue = options.TimeProvider.GetUtcNow() + _renewEvery;
        var period = TimeSpan.FromTicks(Math.Max(Math.Min(_renewEvery.Ticks, options.ControlInterval.Ticks), TimeSpan.TicksPerMillisecond));
        _renewal = options.TimeProvider.CreateTimer(static state => _ = ((DurableRun)state!).TickAsync(), this, period, period);

        // A request made while nobody owned the run (its owner died after it was asked) applies from the start.
        Apply(run.Requested);
    }

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The inputs the run was started with (on resume, these win over the caller's).</summary>
    public string? InputsJson { get; }

    /// <summary>True when the run resumes steps completed by an earlier execution.</summary>
    public bool IsResumed => _completed.Count > 0;

    /// <summary>Cancelled by the caller, by a <c>cancel</c> of the run, or when the lease is lost.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>
    /// Starts or resumes run <paramref name="runId"/>: the run to execute, or (the id is an idempotency key) the
    /// stored record of a run that already finished.
    /// </summary>
    /// <exception cref="WorkflowRunInProgressException">A live process owns the run.</exception>
    /// <exception cref="WorkflowRunPausedException">The run is paused.</exception>
    /// <exception cref="WorkflowDefinitionChangedException">Steps completed earlier no longer match the definition.</exception>
    public static ValueTask<(DurableRun? Run, RunRecord? Finished)> BeginAsync(
        WorkflowOptions options,
        WorkflowDescriptor descriptor,
        string definitionHash,
        IReadOnlyList<string> stepSignatures,
        string runId,
        string? inputsJson,
        CancellationToken cancellationToken)
        => BeginAsync(options, descriptor, definitionHash, stepSignatures, runId, inputsJson, admission: null, cancellationToken);

    /// <summary>
    /// Like <see cref="BeginAsync(WorkflowOptions, WorkflowDescriptor, string, IReadOnlyList{string}, string, string?, CancellationToken)"/>
    /// for a workflow with limits across runs or a priority: a new run is queued and starts when its limits admit it.
    /// </summary>
    public static async ValueTask<(DurableRun? Run, RunRecord? Finished)> BeginAsync(
        WorkflowOptions options,
        WorkflowDescriptor descriptor,
        string definitionHash,
        IReadOnlyList<string> stepSignatures,
        string runId,
        string? inputsJson,
        RunAdmission? admission,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var store = options.Store ?? throw new InvalidOperationException($"Workflow '{descriptor.Name}' runs durably only with a store: set WorkflowOptions.Store.");
        var now = options.TimeProvider.GetUtcNow();
        var start = await store.StartRunAsync(NewRunOf(descriptor, definitionHash, runId, inputsJson, now, admission), options.Owner, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var run = start.Run;
        if (run.WorkflowName != descriptor.Name)
        {
            throw new InvalidOperationException($"Run id '{runId}' belongs to workflow '{run.WorkflowName}', not '{descriptor.Name}'. Run ids are unique across workflows.");
        }

        var completed = new Dictionary<(string, int), StepRecord>();
        if (run.Status == RunStatus.Pending)
        {
            // Pending: queued (created pending, or enqueued earlier) or released; claimed when its limits admit it
            // (at once without limits), then continued like any run this process claimed.
            run = await AwaitAdmissionAsync(store, options, run, cancellationToken).ConfigureAwait(false);
            start = start with { Run = run, Created = false };
            now = options.TimeProvider.GetUtcNow();
        }

        if (!start.Created)
        {
            switch (run.Status)
            {
                case RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled:
                    return (null, run);
                case RunStatus.Paused:
                    throw new WorkflowRunPausedException(runId);
            }

            // This owner again (a restarted process with a stable Owner): extend the lease it still holds, so that the
            // lease counts from now; anyone else claims the run, which works only once the lease expired. A lease this
            // owner took moments ago (a host's claim, a queued run's admission) is fresh enough: the renewals that
            // start with the run come within a third of it, so renewing now would only cost a commit.
            var renewed = run.Owner == options.Owner && run.LeaseUntil > now
                && (run.LeaseUntil - now >= options.LeaseDuration - options.LeaseDuration / 3
                    || await store.RenewLeaseAsync(runId, options.Owner, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false));
            if (!renewed)
            {
                run = await store.TryClaimRunAsync(runId, options.Owner, now, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false)
                    ?? await TakeOverFromGoneOwnerAsync(store, options, run, now, cancellationToken).ConfigureAwait(false)
                    ?? throw (run.Status == RunStatus.Waiting
                        ? await WaitingExceptionAsync(store, runId, cancellationToken).ConfigureAwait(false)
                        : new WorkflowRunInProgressException(runId, run.Owner, run.LeaseUntil));
            }

            completed = await CompletedStepsAsync(store, runId, cancellationToken).ConfigureAwait(false);
            var changes = DefinitionChanges(descriptor, stepSignatures, completed.Values);
            if (changes.Count > 0)
            {
                // Leave it for a process that still has the definition it started with.
                await store.ReleaseRunAsync(runId, options.Owner, RunStatus.Pending, cancellationToken).ConfigureAwait(false);
                throw new WorkflowDefinitionChangedException(descriptor.Name, runId, changes);
            }
        }

        return (new DurableRun(store, options, descriptor, stepSignatures, run, completed, cancellationToken), null);
    }

    /// <summary>
    /// Records run <paramref name="runId"/> as pending (for a host or <c>RecoverAsync</c> to run) and returns its id;
    /// an existing run with this id is left as it is (run ids are idempotency keys).
    /// </summary>
    public static ValueTask<string> EnqueueAsync(WorkflowOptions options, WorkflowDescriptor descriptor, string definitionHash, string runId, string? inputsJson, CancellationToken cancellationToken)
        => EnqueueAsync(options, descriptor, definitionHash, runId, inputsJson, admission: null, cancellationToken);

    /// <summary>Like <see cref="EnqueueAsync(WorkflowOptions, WorkflowDescriptor, string, string, string?, CancellationToken)"/> with the run's concurrency key and priority.</summary>
    public static async ValueTask<string> EnqueueAsync(WorkflowOptions options, WorkflowDescriptor descriptor, string definitionHash, string runId, string? inputsJson, RunAdmission? admission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var store = options.Store ?? throw new InvalidOperationException($"Workflow '{descriptor.Name}' enqueues durable runs only with a store: set WorkflowOptions.Store.");
        var now = options.TimeProvider.GetUtcNow();
        var start = await store.StartRunAsync(NewRunOf(descriptor, definitionHash, runId, inputsJson, now, admission), options.Owner, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (start.Run.WorkflowName != descriptor.Name)
        {
            throw new InvalidOperationException($"Run id '{runId}' belongs to workflow '{start.Run.WorkflowName}', not '{descriptor.Name}'. Run ids are unique across workflows.");
        }

        if (start.Created)
        {
            // Started as this process's, released at once: a claimer (a host's claim loop) picks it up. A queued run
            // (limits or a priority) is created pending, reserved for this process: released the same way.
            if (start.Run.Status == RunStatus.Running)
            {
                await store.ReleaseRunAsync(runId, options.Owner, RunStatus.Pending, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await store.SetStatusAsync(runId, RunStatus.Pending, new[] { RunStatus.Pending }, CancellationToken.None).ConfigureAwait(false);
            }

            // Idle hosts start it now rather than at their next poll (before the event: one commit sooner).
            await RunnableNotice.SendAsync(store, descriptor.Name).ConfigureAwait(false);
            await store.AppendEventAsync(new RunEvent(runId, 0, now, "enqueued", null, "by " + options.Owner), CancellationToken.None).ConfigureAwait(false);
        }

        return runId;
    }

    /// <summary>
    /// Waits for run <paramref name="runId"/> of the workflow to finish, reading its record every
    /// <see cref="WorkflowOptions.ControlInterval"/>: the record when it succeeded.
    /// </summary>
    /// <exception cref="WorkflowRunFinishedException">The run failed or was cancelled.</exception>
    /// <exception cref="WorkflowRunNotFoundException">There is no such run of this workflow.</exception>
    public static async ValueTask<RunRecord> WaitAsync(WorkflowOptions options, WorkflowDescriptor descriptor, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var store = options.Store ?? throw new InvalidOperationException($"Workflow '{descriptor.Name}' waits for durable runs only with a store: set WorkflowOptions.Store.");
        var interval = options.ControlInterval > TimeSpan.Zero ? options.ControlInterval : TimeSpan.FromSeconds(1);
        while (true)
        {
            var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (run is null || run.WorkflowName != descriptor.Name)
            {
                throw new WorkflowRunNotFoundException(runId, descriptor.Name);
            }

            switch (run.Status)
            {
                case RunStatus.Succeeded:
                    return run;
                case RunStatus.Failed or RunStatus.Cancelled:
                    throw new WorkflowRunFinishedException(run);
            }

            await Task.Delay(interval, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Like <see cref="BeginAsync(WorkflowOptions, WorkflowDescriptor, string, IReadOnlyList{string}, string, string?, RunAdmission?, CancellationToken)"/> for a run that must exist already (continuing it by its id): its stored inputs are used.
    /// </summary>
    /// <exception cref="WorkflowRunNotFoundException">There is no run <paramref name="runId"/> of this workflow.</exception>
    public static async ValueTask<(DurableRun? Run, RunRecord? Finished)> ContinueAsync(
        WorkflowOptions options,
        WorkflowDescriptor descriptor,
        string definitionHash,
        IReadOnlyList<string> stepSignatures,
        string runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var store = options.Store ?? throw new InvalidOperationException($"Workflow '{descriptor.Name}' continues durable runs only with a store: set WorkflowOptions.Store.");
        var existing = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (existing is null || existing.WorkflowName != descriptor.Name)
        {
            throw new WorkflowRunNotFoundException(runId, descriptor.Name);
        }

        return await BeginAsync(options, descriptor, definitionHash, stepSignatures, runId, existing.InputsJson, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Like <see cref="BeginAsync(WorkflowOptions, WorkflowDescriptor, string, IReadOnlyList{string}, string, string?, RunAdmission?, CancellationToken)"/> for a run of a called workflow: when another process is running it (it was
    /// resumed on its own), waits for it to finish or to be released, instead of failing the caller's step; when it
    /// failed before (the caller was retried), retries it from its failed steps.
    /// </summary>
    public static ValueTask<(DurableRun? Run, RunRecord? Finished)> BeginOrWaitAsync(
        WorkflowOptions options,
        WorkflowDescriptor descriptor,
        string definitionHash,
        IReadOnlyList<string> stepSignatures,
        string runId,
        string? inputsJson,
        CancellationToken cancellationToken)
        => BeginOrWaitAsync(options, descriptor, definitionHash, stepSignatures, runId, inputsJson, admission: null, cancellationToken);

    /// <summary>Like <see cref="BeginOrWaitAsync(WorkflowOptions, WorkflowDescriptor, string, IReadOnlyList{string}, string, string?, CancellationToken)"/> with the run's concurrency key and priority.</summary>
    public static async ValueTask<(DurableRun? Run, RunRecord? Finished)> BeginOrWaitAsync(
        WorkflowOptions options,
        WorkflowDescriptor descriptor,
        string definitionHash,
        IReadOnlyList<string> stepSignatures,
        string runId,
        string? inputsJson,
        RunAdmission? admission,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var begun = await BeginAsync(options, descriptor, definitionHash, stepSignatures, runId, inputsJson, admission, cancellationToken).ConfigureAwait(false);
                if (begun.Finished is { Status: RunStatus.Failed }
                    && await new WorkflowRuns(options.Store!, options.TimeProvider).RetryAsync(runId, cancellationToken).ConfigureAwait(false))
                {
                    // The caller runs this step again (its run was retried): the failed child run is retried with it,
                    // keeping the child's completed steps, instead of failing the caller again with the old failure.
                    continue;
                }

                return begun;
            }
            catch (WorkflowRunInProgressException)
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(options.LeaseDuration.Ticks / 3, TimeSpan.TicksPerMillisecond)), options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Claims this workflow's runs that need an owner, one at a time, each ready to continue. Runs whose completed
    /// steps no longer match the definition are released and skipped.
    /// </summary>
    public static async IAsyncEnumerable<DurableRun> ClaimAsync(
        WorkflowOptions options,
        WorkflowDescriptor descriptor,
        IReadOnlyList<string> stepSignatures,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = options.Store ?? throw new InvalidOperationException($"Workflow '{descriptor.Name}' recovers durable runs only with a store: set WorkflowOptions.Store.");
        var refused = new HashSet<string>(StringComparer.Ordinal);
        await ExpireGoneOwnersAsync(store, options, descriptor.Name, cancellationToken).ConfigureAwait(false);
        // A draining process claims nothing more: a run it released would come straight back to it.
        while (!options.DrainToken.IsCancellationRequested)
        {
            var now = options.TimeProvider.GetUtcNow();
            var claimed = await store.ClaimRunsAsync(options.Owner, now, now + options.LeaseDuration, 1, descriptor.Name, cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0 || refused.Contains(claimed[0].RunId))
            {
                yield break;
            }

            var run = claimed[0];
            var completed = await CompletedStepsAsync(store, run.RunId, cancellationToken).ConfigureAwait(false);
            if (DefinitionChanges(descriptor, stepSignatures, completed.Values).Count > 0)
            {
                refused.Add(run.RunId);
                await store.ReleaseRunAsync(run.RunId, options.Owner, RunStatus.Pending, cancellationToken).ConfigureAwait(false);
                continue;
            }

            yield return new DurableRun(store, options, descriptor, stepSignatures, run, completed, cancellationToken);
        }
    }

    /// <summary>
    /// Claims a running run whose owner was a process of this machine that has ended (<see cref="ProcessOwner.IsGone"/>),
    /// without waiting for its lease: the lease is ended (only that owner's, so a live claimer that got there first
    /// keeps the run), then claimed like an expired one. Null when the owner may still run or another process won.
    /// </summary>
    private static async ValueTask<RunRecord?> TakeOverFromGoneOwnerAsync(IWorkflowStore store, WorkflowOptions options, RunRecord run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (run.Status != RunStatus.Running || !await EndLeaseOfGoneOwnerAsync(store, run, now, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await store.TryClaimRunAsync(run.RunId, options.Owner, now, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the leases of this workflow's running runs whose owners have ended on this machine, for <see cref="ClaimAsync"/>.</summary>
    private static async ValueTask ExpireGoneOwnersAsync(IWorkflowStore store, WorkflowOptions options, string workflowName, CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow();
        foreach (var run in await store.ListRunsAsync(new RunQuery(workflowName, RunStatus.Running, Limit: 10_000), cancellationToken).ConfigureAwait(false))
        {
            if (run.LeaseUntil > now)
            {
                await EndLeaseOfGoneOwnerAsync(store, run, now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask<bool> EndLeaseOfGoneOwnerAsync(IWorkflowStore store, RunRecord run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (run.Owner is not { } owner || !ProcessOwner.IsGone(owner)
            || !await store.RenewLeaseAsync(run.RunId, owner, now, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await store.AppendEventAsync(new RunEvent(run.RunId, 0, now, "owner-ended", null, $"'{owner}' no longer runs: its lease ended early"), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async ValueTask<Dictionary<(string, int), StepRecord>> CompletedStepsAsync(IWorkflowStore store, string runId, CancellationToken cancellationToken)
    {
        var completed = new Dictionary<(string, int), StepRecord>();
        foreach (var step in await store.GetStepsAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            if (step.Status == StepStatus.Succeeded)
            {
                completed[(step.StepId, step.ItemIndex)] = step;
            }
        }

        return completed;
    }

    /// <summary>What no longer matches: completed steps that are gone or whose action or output type changed.</summary>
    private static List<string> DefinitionChanges(WorkflowDescriptor descriptor, IReadOnlyList<string> signatures, IEnumerable<StepRecord> completed)
    {
        var changes = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in completed)
        {
            if (!reported.Add(record.StepId))
            {
                continue;
            }

            var index = IndexOf(descriptor, record.StepId);
            if (index < 0)
            {
                changes.Add($"completed step '{record.StepId}' no longer exists");
            }
            else if (!string.Equals(signatures[index], record.Signature, StringComparison.Ordinal))
            {
                changes.Add($"step '{record.StepId}' was '{record.Signature}' and is now '{signatures[index]}'");
            }
        }

        return changes;
    }

    private static int IndexOf(WorkflowDescriptor descriptor, string stepId)
    {
        for (var i = 0; i < descriptor.Steps.Count; i++)
        {
            if (descriptor.Steps[i].Id == stepId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The output of a step (or foreach item) completed by an earlier execution, if it was.</summary>
    public bool TryGetCompleted(string stepId, int item, out string? outputJson)
    {
        if (_completed.Count > 0 && _completed.TryGetValue((stepId, item), out var record))
        {
            outputJson = record.OutputJson;
            return true;
        }

        outputJson = null;
        return false;
    }

    /// <summary>
    /// Throws when a pause of the run was seen or the process is draining: a step that has not started must not
    /// start. A step boundary costs this one volatile read; the store is read by the control timer, not here.
    /// </summary>
    public void ThrowIfPaused()
    {
        if (Volatile.Read(ref _paused) != 0 || _options.DrainToken.IsCancellationRequested)
        {
            throw new WorkflowRunPausedException(RunId);
        }
    }

    /// <summary>Records a completed step (or item) before anything that depends on it starts.</summary>
    /// <remarks>
    /// Group commit: steps that complete while a write is in flight are written together in the next transaction,
    /// so parallel steps share a commit while a lone step is written at once.
    /// </remarks>
    /// <exception cref="WorkflowLeaseLostException">This process no longer owns the run.</exception>
    /// <remarks>
    /// Values of <c>${{ secrets.X }}</c> read so far are masked in the stored output (the caller's live value is not):
    /// a step resumed from the store reads <c>***</c> where its output held a secret.
    /// </remarks>
    public async ValueTask RecordAsync(string stepId, int item, string signature, int attempts, string? outputJson)
    {
        outputJson = Runtime.SecretRedactor.RedactJson(outputJson);
        var now = _options.TimeProvider.GetUtcNow();
        PendingRecord? pending = null;
        StepRecord record;
        lock (_pending)
        {
            var started = _started.TryGetValue(stepId, out var running) ? running.At : now;
            if (item < 0)
            {
                _started.Remove(stepId);
            }

            record = new StepRecord(RunId, stepId, item, signature, attempts, StepStatus.Succeeded, outputJson, null, started, now);
            if (_writing)
            {
                pending = new PendingRecord(record);
                _pending.Add(pending);
            }

            _writing = true;
        }

        if (pending is not null)
        {
            await pending.Done.Task.ConfigureAwait(false);
            return;
        }

        // Nothing in flight: this step is written alone, at once, through a one-record list of this run's (one
        // write at a time per run), so a lone checkpoint allocates no batch. Steps that complete meanwhile wait
        // and are written together afterwards.
        try
        {
            _lone[0] = record;
            bool recorded;
            try
            {
                recorded = await _store.RecordStepsAsync(RunId, _options.Owner, _lone, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The store's own failure (a full disk, a lost connection) is told apart from the step's.
                throw new WorkflowStoreException(RunId, stepId, exception);
            }

            if (!recorded)
            {
                await RecordRefusedAsync(new[] { new PendingRecord(record) }).ConfigureAwait(false);
            }
        }
        finally
        {
            _lone[0] = null!;
            await WritePendingAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Step <paramref name="stepId"/> was undone by its compensation: its records stop counting as completed, so
    /// a retry runs it again.
    /// </summary>
    /// <remarks>Not under the run's token: compensations run to completion after a failure, and so does their record.</remarks>
    public ValueTask CompensatedAsync(string stepId) => _store.MarkCompensatedAsync(RunId, stepId, CancellationToken.None);

    private readonly List<PendingRecord> _pending = new();
    private readonly StepRecord[] _lone = new StepRecord[1];
    private bool _writing;

    // Steps that started and have not ended (guarded by _pending's lock): their start time goes into their record, and
    // those still running at a control tick are recorded as running (a step shorter than a tick costs no extra write).
    private readonly Dictionary<string, (DateTimeOffset At, int Attempts, bool Recorded)> _started = new(StringComparer.Ordinal);

    /// <summary>Step <paramref name="step"/> (its index in the file) starts its first attempt.</summary>
    public void StepStarted(int step)
    {
        var now = _options.TimeProvider.GetUtcNow();
        lock (_pending)
        {
            _started[_descriptor.Steps[step].Id] = (now, 1, false);
        }
    }

    /// <summary>Attempt <paramref name="attempt"/> of the step failed and is retried after <paramref name="delay"/>: recorded in the history.</summary>
    public void StepRetrying(int step, int attempt, TimeSpan delay, string? error)
    {
        var stepId = _descriptor.Steps[step].Id;
        lock (_pending)
        {
            if (_started.TryGetValue(stepId, out var running))
            {
                _started[stepId] = (running.At, attempt + 1, false);
            }
        }

        _ = AppendEventQuietlyAsync(new RunEvent(RunId, 0, _options.TimeProvider.GetUtcNow(), "step-retrying", stepId,
            $"attempt {attempt} failed{(error is null ? string.Empty : ": " + Runtime.SecretRedactor.Redact(error))}; attempt {attempt + 1} in {delay.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} ms"));
    }

    /// <summary>
    /// The step ended. A success was recorded by <see cref="RecordAsync"/> already; a failure (on its last attempt)
    /// or a skip is written with the next commit of the run, or when the run ends: not at once, since nothing resumes
    /// from it.
    /// </summary>
    public void StepEnded(int step, StepStatus status, int attempts, string? error)
    {
        var stepId = _descriptor.Steps[step].Id;
        var now = _options.TimeProvider.GetUtcNow();
        lock (_pending)
        {
            var started = _started.TryGetValue(stepId, out var running) ? running.At : now;
            _started.Remove(stepId);
            if (status is StepStatus.Failed or StepStatus.Skipped)
            {
                _pending.Add(new PendingRecord(new StepRecord(RunId, stepId, -1, _signatures[step], attempts, status, null, error is null ? null : Runtime.SecretRedactor.Redact(error), started, now)));
            }
        }
    }

    /// <summary>At a control tick: steps running since before it are recorded as running, with their start time.</summary>
    private Task RecordRunningStepsAsync()
    {
        var now = _options.TimeProvider.GetUtcNow();
        List<string>? recorded = null;
        bool write;
        lock (_pending)
        {
            foreach (var (stepId, running) in _started)
            {
                if (!running.Recorded && IndexOf(_descriptor, stepId) is var index and >= 0)
                {
                    _pending.Add(new PendingRecord(new StepRecord(RunId, stepId, -1, _signatures[index], running.Attempts, StepStatus.Running, null, null, running.At, now)));
                    (recorded ??= new()).Add(stepId);
                }
            }

            if (recorded is null)
            {
                return Task.CompletedTask;
            }

            foreach (var stepId in recorded)
            {
                _started[stepId] = _started[stepId] with { Recorded = true };
            }

            write = !_writing;
            _writing |= write;
        }

        return write ? WritePendingAsync() : Task.CompletedTask;
    }

    /// <summary>Writes what is pending (failed and skipped steps) before the run's outcome is recorded.</summary>
    private async ValueTask FlushAsync()
    {
        bool write;
        lock (_pending)
        {
            write = _pending.Count > 0 && !_writing;
            _writing |= write;
        }

        if (write)
        {
            try
            {
                await WritePendingAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The history of failed steps is best effort: the outcome is recorded all the same.
            }
        }
    }

    private async Task AppendEventQuietlyAsync(RunEvent runEvent)
    {
        try
        {
            await _store.AppendEventAsync(runEvent, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // History is best effort; the run's state is in its status and step records.
        }
    }

    private sealed class PendingRecord(StepRecord record)
    {
        public StepRecord Record { get; } = record;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task WritePendingAsync()
    {
        while (true)
        {
            PendingRecord[] batch;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = _pending.ToArray();
                _pending.Clear();
            }

            try
            {
                var records = new StepRecord[batch.Length];
                for (var i = 0; i < batch.Length; i++)
                {
                    records[i] = batch[i].Record;
                }

                if (!await _store.RecordStepsAsync(RunId, _options.Owner, records, CancellationToken.None).ConfigureAwait(false))
                {
                    await RecordRefusedAsync(batch).ConfigureAwait(false);
                }

                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception exception)
            {
                // The store's own failure (a full disk, a lost connection) is told apart from the step's.
                var failure = exception is WorkflowLeaseLostException or WorkflowRunCancelledException
                    ? exception
                    : new WorkflowStoreException(RunId, batch[0].Record.StepId, exception);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(failure);
                }
            }
        }
    }

    /// <summary>
    /// A refused write: either the lease is gone, or an earlier execution recorded one of these steps after this one
    /// read the run's steps (a killed process's last commit can land late). The first record stands; the others of
    /// the batch are written one by one; the run goes on while this process still owns it.
    /// </summary>
    private async Task RecordRefusedAsync(PendingRecord[] batch)
    {
        var run = await _store.GetRunAsync(RunId, CancellationToken.None).ConfigureAwait(false);
        if (run is not { Status: RunStatus.Running } || run.Owner != _options.Owner || run.LeaseUntil <= _options.TimeProvider.GetUtcNow())
        {
            throw Stop(run);
        }

        if (batch.Length > 1)
        {
            foreach (var pending in batch)
            {
                await _store.RecordStepsAsync(RunId, _options.Owner, new[] { pending.Record }, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The id of the durable run of a workflow that step <paramref name="stepId"/> runs.</summary>
    public string ChildRunId(string stepId, int item) => item < 0 ? $"{RunId}/{stepId}" : $"{RunId}/{stepId}/{item}";

    /// <summary>Records the run's success and its outputs, secrets read so far masked (the caller's live outputs are not).</summary>
    public ValueTask SucceedAsync(string? outputsJson)
        => CompleteAsync(RunStatus.Succeeded, Runtime.SecretRedactor.RedactJson(outputsJson), null);

    /// <summary>
    /// Records how the run ended after <paramref name="exception"/>: failed, or cancelled by a <c>cancel</c> of the
    /// run. A pause is recorded as <see cref="RunStatus.Paused"/>; a drain, the caller's cancellation (a process
    /// shutting down) or a store failure release the run as <see cref="RunStatus.Pending"/>; a lost lease records
    /// nothing: in each case the run stays resumable.
    /// </summary>
    public async ValueTask FailAsync(Exception exception, CancellationToken callerToken)
    {
        await _renewal.DisposeAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _leaseLost) != 0)
        {
            return;
        }

        if (IsWaiting(exception) && await LeaveWaitingAsync().ConfigureAwait(false))
        {
            return;
        }

        if (IsPause(exception))
        {
            await StopForPauseAsync().ConfigureAwait(false);
            return;
        }

        if (Volatile.Read(ref _cancelledByControl) != 0)
        {
            await CompleteAsync(RunStatus.Cancelled, null, "cancelled").ConfigureAwait(false);
            return;
        }

        if (Find<WorkflowStoreException>(exception) is { } storeFailure)
        {
            // The store could not record a step: nothing says the step did not do its work, so the run is not failed;
            // it is released (if the store takes even that) to continue once the store works again.
            await TryReleaseAsync("store-failed", storeFailure.Message).ConfigureAwait(false);
            return;
        }

        if (exception is OperationCanceledException && callerToken.IsCancellationRequested)
        {
            await TryReleaseAsync("released", "stopped by its caller (" + _options.Owner + ")").ConfigureAwait(false);
            return;
        }

        await CompleteAsync(RunStatus.Failed, null, Runtime.SecretRedactor.Redact(exception.Message)).ConfigureAwait(false);
    }

    /// <summary>The pause (or drain) took effect: paused when still asked, else released for whoever continues it.</summary>
    private async ValueTask StopForPauseAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        var now = _options.TimeProvider.GetUtcNow();
        if (Volatile.Read(ref _pauseRequested) != 0
            && await _store.ReleaseRunAsync(RunId, _options.Owner, RunStatus.Paused, CancellationToken.None).ConfigureAwait(false))
        {
            await _store.AppendEventAsync(new RunEvent(RunId, 0, now, "paused", null, "at a step boundary, by " + _options.Owner), CancellationToken.None).ConfigureAwait(false);
            return;
        }

        // Drained by a stopping host, or a pause withdrawn (resumed) after this process saw it: released at once.
        await TryReleaseAsync("released", (_options.DrainToken.IsCancellationRequested ? "drained by " : "pause withdrawn; released by ") + _options.Owner).ConfigureAwait(false);
    }

    private async ValueTask TryReleaseAsync(string kind, string detail)
    {
        try
        {
            if (await _store.ReleaseRunAsync(RunId, _options.Owner, RunStatus.Pending, CancellationToken.None).ConfigureAwait(false))
            {
                await _store.AppendEventAsync(new RunEvent(RunId, 0, _options.TimeProvider.GetUtcNow(), kind, null, detail), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // The store is down: the lease expires and another process (or this one, restarted) continues the run.
        }
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Find<T>(inner) is { } nested)
                    {
                        return nested;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>True when the exception is (or wraps) the pause of this run, or its leaving to wait: it stays resumable.</summary>
    public static bool IsPause(Exception exception) => Find<WorkflowRunPausedException>(exception) is not null || Find<WorkflowRunWaitingException>(exception) is not null;

    private async ValueTask CompleteAsync(RunStatus status, string? outputsJson, string? error)
    {
        await _renewal.DisposeAsync().ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        await _store.CompleteRunAsync(RunId, _options.Owner, status, outputsJson, error, CancellationToken.None).ConfigureAwait(false);
        await _store.AppendEventAsync(new RunEvent(RunId, 0, _options.TimeProvider.GetUtcNow(), status.ToString().ToLowerInvariant(), null, error), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Every <see cref="WorkflowOptions.ControlInterval"/>: renews the lease when a third of it has passed, and reads
    /// the run's record for an operator's request (or a move only an operator makes to a run whose owner seemed gone).
    /// </summary>
    private async Task TickAsync()
    {
        // A slow store must not pile up ticks: one at a time, the next waits for the next period.
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            var now = _options.TimeProvider.GetUtcNow();
            if (now >= _renewDue)
            {
                if (!await _store.RenewLeaseAsync(RunId, _options.Owner, now + _options.LeaseDuration).ConfigureAwait(false))
                {
                    Stop(await _store.GetRunAsync(RunId).ConfigureAwait(false));
                    return;
                }

                _renewDue = now + _renewEvery;
            }

            var run = await _store.GetRunAsync(RunId).ConfigureAwait(false);
            if (run is not { Status: RunStatus.Running } || run.Owner != _options.Owner)
            {
                Stop(run);
                return;
            }

            if (Apply(run.Requested))
            {
                await _store.AppendEventAsync(new RunEvent(RunId, 0, now, "pausing", null, "seen by " + _options.Owner + "; stops at the next step boundary")).ConfigureAwait(false);
            }

            await RecordRunningStepsAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A store that is briefly unreachable: the next tick tries again; the lease covers two missed renewals.
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>Applies an operator's request: a pause at the next step boundary, a cancel at once. True when a pause is newly seen.</summary>
    private bool Apply(RunControl? requested)
    {
        switch (requested)
        {
            case RunControl.Pause when Interlocked.Exchange(ref _pauseRequested, 1) == 0:
                Volatile.Write(ref _paused, 1);
                return true;
            case RunControl.Cancel when Interlocked.Exchange(ref _cancelledByControl, 1) == 0:
                _stop.Cancel();
                break;
            case null when Volatile.Read(ref _pauseRequested) != 0:
                // Resumed before the pause took effect: carry on.
                Volatile.Write(ref _pauseRequested, 0);
                Volatile.Write(ref _paused, 0);
                break;
        }

        return false;
    }

    /// <summary>
    /// This process may record nothing more for the run: stops it, as cancelled when the store says it was
    /// cancelled, else as a lost lease. Returns the exception that says which.
    /// </summary>
    private Exception Stop(RunRecord? run)
    {
        if (run?.Status == RunStatus.Cancelled)
        {
            Volatile.Write(ref _cancelledByControl, 1);
            _stop.Cancel();
            return new WorkflowRunCancelledException(RunId);
        }

        LoseLease();
        return new WorkflowLeaseLostException(RunId);
    }

    /// <summary>True when the run was cancelled through the store while this process ran it.</summary>
    public bool IsCancelledByControl => Volatile.Read(ref _cancelledByControl) != 0;

    private void LoseLease()
    {
        Volatile.Write(ref _leaseLost, 1);
        _stop.Cancel();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _renewal.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
