using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Durability;
using Workflows.Scheduling;

namespace Workflows.Hosting;

/// <summary>
/// Recovers durable runs at start, then starts the workflows' scheduled runs at their occurrences, and
/// continues durable runs that become runnable (a signal arrived, a timer is due) while it runs.
/// </summary>
/// <remarks>
/// <para>
/// Each workflow is created once (<see cref="WorkflowRegistration.Create"/>) and used for its recovery and every
/// scheduled run. Time comes from <see cref="WorkflowOptions.TimeProvider"/> and the store from
/// <see cref="WorkflowOptions.Store"/>, taken from the container when registered there.
/// </para>
/// <para>
/// Occurrences fire without waiting for the run: with <see cref="WorkflowSchedule.AllowOverlap"/> false an occurrence is
/// skipped while the schedule's previous run is still going. A run's id is <see cref="WorkflowSchedule.RunIdFor"/> of its
/// occurrence, the same in every process: with a shared store a durable workflow runs each occurrence once however many
/// hosts fire it.
/// </para>
/// <para>
/// Catch-up at start: for <see cref="CatchUpPolicy.Latest"/> the most recent occurrence within
/// <see cref="WorkflowHostOptions.CatchUpWindow"/> before the start fires once, unless the workflow is durable, a store
/// is configured, and the store already holds a run with that occurrence's id. Without a store nothing remembers what
/// fired, so each start within the window fires that occurrence again. For <see cref="CatchUpPolicy.None"/> only an
/// occurrence within <see cref="CatchUp.DefaultGrace"/> of the start fires.
/// </para>
/// <para>
/// On stop no more occurrences fire and durable runs start no new step (<see cref="WorkflowOptions.DrainToken"/>):
/// their running steps finish and are recorded, and the runs are released for the next start (or another host) to
/// continue. Non-durable runs go on. When the host's shutdown timeout passes, what still runs is cancelled; durable
/// runs cancelled that way stay resumable too.
/// </para>
/// </remarks>
public sealed partial class WorkflowHostService : BackgroundService
{
    private readonly WorkflowCatalog _catalog;
    private readonly WorkflowHostOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly object _runningGate = new();
    private readonly HashSet<Task> _running = new();
    private readonly Dictionary<string, object?> _instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _drain = new();
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Creates the service. <see cref="Microsoft.Extensions.DependencyInjection.WorkflowServiceCollectionExtensions.AddWorkflows"/> registers it.</summary>
    /// <param name="catalog">The workflows.</param>
    /// <param name="options">The host's settings.</param>
    /// <param name="services">Where workflows and <see cref="WorkflowOptions"/> come from.</param>
    /// <param name="logger">Where to log; nothing is logged when null.</param>
    public WorkflowHostService(WorkflowCatalog catalog, WorkflowHostOptions options, IServiceProvider services, ILogger<WorkflowHostService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _catalog = catalog;
        _options = options;
        _services = services;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How many scheduled runs are going now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_runningGate)
            {
                return _running.Count;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workflowOptions = _services.GetService(typeof(WorkflowOptions)) as WorkflowOptions ?? WorkflowOptions.Default;
        var time = workflowOptions.TimeProvider;
        var startedAt = time.GetUtcNow();

        if (_options.RecoverOnStart)
        {
            foreach (var registration in _catalog.Registrations)
            {
                // The worker pool recovers its workflows at start itself, several runs at once.
                if (registration.RecoverAsync is null || InPool(registration, workflowOptions) || stoppingToken.IsCancellationRequested)
                {
                    continue;
                }

                await RecoverAsync(registration, _abort.Token).ConfigureAwait(false);
            }
        }

        var loops = new List<Task>();
        if (_options.Retention is { } retention && workflowOptions.Store is { } store)
        {
            loops.Add(PurgeLoopAsync(store, retention, time, stoppingToken));
        }

        AddClaimLoops(loops, workflowOptions, time, stoppingToken);
        foreach (var registration in _catalog.Registrations)
        {
            if (registration.Schedules.Count == 0)
            {
                continue;
            }

            if (registration.RunScheduledAsync is null)
            {
                Log.NotSchedulable(_logger, registration.Name);
                continue;
            }

            if (!TryGetInstance(registration, out var instance))
            {
                continue;
            }

            foreach (var schedule in registration.Schedules)
            {
                loops.Add(RunScheduleAsync(registration, instance, schedule, workflowOptions, startedAt, stoppingToken));
            }
        }

        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            Task[] running;
            lock (_runningGate)
            {
                running = [.. _running];
            }

            // The host stops waiting for this task when its shutdown timeout passes.
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private async Task RecoverAsync(WorkflowRegistration registration, CancellationToken stoppingToken)
    {
        if (!TryGetInstance(registration, out var instance))
        {
            return;
        }

        try
        {
            var resumed = await registration.RecoverAsync!(instance, stoppingToken).ConfigureAwait(false);
            Log.Recovered(_logger, registration.Name, resumed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failing workflow must not stop the host or the other workflows.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.RecoveryFailed(_logger, exception, registration.Name);
        }
    }

    /// <summary>Applies <see cref="WorkflowHostOptions.Retention"/> now and then every <see cref="WorkflowHostOptions.RetentionInterval"/>.</summary>
    private async Task PurgeLoopAsync(IWorkflowStore store, TimeSpan retention, TimeProvider time, CancellationToken stoppingToken)
    {
        var interval = _options.RetentionInterval > TimeSpan.Zero ? _options.RetentionInterval : TimeSpan.FromHours(1);
        var runs = new WorkflowRuns(store, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            var cutoff = time.GetUtcNow() - retention;
            try
            {
                var deleted = await runs.PurgeAsync(cutoff, cancellationToken: stoppingToken).ConfigureAwait(false);
                Log.Purged(_logger, deleted, cutoff);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store that fails now may answer next time; the host carries on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.PurgeFailed(_logger, exception);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool TryGetInstance(WorkflowRegistration registration, out object instance)
    {
        if (!_instances.TryGetValue(registration.Name, out var created))
        {
            try
            {
                created = registration.Create(new DrainingServices(_services, _options.History, _drain.Token));
            }
#pragma warning disable CA1031 // Logged; the workflow is left out, the others carry on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.CreateFailed(_logger, exception, registration.Name);
                created = null;
            }

            _instances[registration.Name] = created;
        }

        instance = created!;
        return created is not null;
    }

    private async Task RunScheduleAsync(
        WorkflowRegistration registration, object instance, WorkflowSchedule schedule, WorkflowOptions workflowOptions, DateTimeOffset startedAt, CancellationToken stoppingToken)
    {
        await Task.Yield();
        CronExpression expression;
        TimeZoneInfo zone;
        try
        {
            expression = schedule.Expression;
            zone = schedule.Zone;
        }
#pragma warning disable CA1031 // Logged; the other schedules carry on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.ScheduleInvalid(_logger, exception, registration.Name, schedule.Cron, schedule.TimeZone);
            return;
        }

        var time = workflowOptions.TimeProvider;
        Task? previous = null;

        // The last occurrence fired (or deliberately not fired). At start, for catch-up, the start of the window.
        DateTimeOffset? lastFired = schedule.CatchUp == CatchUpPolicy.Latest ? startedAt - _options.CatchUpWindow : null;
        var decision = CatchUp.Decide(expression, zone, lastFired, time.GetUtcNow(), schedule.CatchUp);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (decision.SkippedMissed)
            {
                Log.MissedSkipped(_logger, registration.Name, schedule.Cron);
            }

            foreach (var occurrence in decision.Fire)
            {
                lastFired = occurrence;
                var runId = schedule.RunIdFor(occurrence);
                if (first && occurrence < startedAt - CatchUp.DefaultGrace && await AlreadyStartedAsync(registration, workflowOptions, runId, stoppingToken).ConfigureAwait(false))
                {
                    Log.CatchUpAlreadyRan(_logger, registration.Name, runId);
                    continue;
                }

                if (!schedule.AllowOverlap && previous is { IsCompleted: false })
                {
                    Log.OverlapSkipped(_logger, registration.Name, runId);
                    continue;
                }

                previous = Fire(registration, instance, runId, stoppingToken);
            }

            first = false;
            if (decision.NextDue is not { } due)
            {
                Log.NoMoreOccurrences(_logger, registration.Name, schedule.Cron);
                return;
            }

            // Wait until the occurrence is due (a timer may wake early by a rounding; wait again then).
            DateTimeOffset now;
            while ((now = time.GetUtcNow()) < due)
            {
                try
                {
                    await Task.Delay(due - now, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }

            decision = CatchUp.Decide(expression, zone, lastFired, now, schedule.CatchUp);
        }
    }

    private async Task<bool> AlreadyStartedAsync(WorkflowRegistration registration, WorkflowOptions workflowOptions, string runId, CancellationToken stoppingToken)
    {
        if (!registration.IsDurable || workflowOptions.Store is not { } store)
        {
            return false;
        }

        try
        {
            return await store.GetRunAsync(runId, stoppingToken).ConfigureAwait(false) is not null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return true;
        }
#pragma warning disable CA1031 // Logged; firing is safe, the run id still prevents a second run.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StoreLookupFailed(_logger, exception, registration.Name, runId);
            return false;
        }
    }

    private Task Fire(WorkflowRegistration registration, object instance, string runId, CancellationToken stoppingToken)
    {
        if (!TryActivate(runId, out _))
        {
            Log.RunElsewhere(_logger, registration.Name, runId, "in progress");
            return Task.CompletedTask;
        }

        Log.Firing(_logger, registration.Name, runId);
        return Track(Task.Run(() => RunAsync(registration, instance, runId, _abort.Token), CancellationToken.None), onEnd: runId);
    }

    /// <summary>
    /// Keeps <paramref name="run"/> among the running tasks the host drains on stop until it ends; then, when
    /// <paramref name="onEnd"/> names a run, marks that run as no longer run by this host.
    /// </summary>
    private Task Track(Task run, string? onEnd)
    {
        lock (_runningGate)
        {
            _running.Add(run);
        }

        _ = run.ContinueWith(
            (finished, state) =>
            {
                var self = (WorkflowHostService)state!;
                lock (self._runningGate)
                {
                    self._running.Remove(finished);
                }

                if (onEnd is not null)
                {
                    self.Deactivate(onEnd);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return run;
    }

    private async Task RunAsync(WorkflowRegistration registration, object instance, string runId, CancellationToken stoppingToken)
    {
        try
        {
            await registration.RunScheduledAsync!(instance, runId, stoppingToken).ConfigureAwait(false);
        }
        catch (WorkflowRunInProgressException)
        {
            Log.RunElsewhere(_logger, registration.Name, runId, "in progress");
        }
        catch (WorkflowRunFinishedException)
        {
            Log.RunElsewhere(_logger, registration.Name, runId, "finished");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Log.RunStopped(_logger, registration.Name, runId);
        }
        catch (WorkflowRunPausedException) when (_drain.IsCancellationRequested)
        {
            Log.RunStopped(_logger, registration.Name, runId);
        }
#pragma warning disable CA1031 // A failing run must not stop the host.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.RunFailed(_logger, exception, registration.Name, runId);
        }
    }

    /// <summary>
    /// Stops firing, drains durable runs (no new step starts) and waits for running runs; when
    /// <paramref name="cancellationToken"/> (the host's shutdown timeout) fires, cancels what still runs.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host stops waiting.</param>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _drain.CancelAsync().ConfigureAwait(false);
        try
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Returned early only when the host stopped waiting: what still runs is cancelled now.
            if (cancellationToken.IsCancellationRequested)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _drain.Dispose();
        _abort.Dispose();
    }

    /// <summary>
    /// The container as workflows see it: their <see cref="WorkflowOptions"/> carry the host's drain token, and record the
    /// history of runs that are not durable when <see cref="WorkflowHostOptions.History"/> asks.
    /// </summary>
    private sealed class DrainingServices(IServiceProvider inner, bool history, CancellationToken drain) : IServiceProvider
    {
        private WorkflowOptions? _options;

        public object? GetService(Type serviceType)
        {
            if (serviceType != typeof(WorkflowOptions))
            {
                return inner.GetService(serviceType);
            }

            var options = inner.GetService(typeof(WorkflowOptions)) as WorkflowOptions ?? WorkflowOptions.Default;
            return _options ??= options.With(options.History || history, drain);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Retention: purged {Count} finished run(s) that completed before {Cutoff}")]
        public static partial void Purged(ILogger logger, int count, DateTimeOffset cutoff);

        [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Retention: purging finished runs failed; the next attempt is at the next interval")]
        public static partial void PurgeFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Workflow {Workflow}: recovered {Count} durable run(s)")]
        public static partial void Recovered(ILogger logger, string workflow, int count);

        [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Workflow {Workflow}: recovering its durable runs failed")]
        public static partial void RecoveryFailed(ILogger logger, Exception exception, string workflow);

        [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Workflow {Workflow}: creating it failed; its schedules and recovery are left out")]
        public static partial void CreateFailed(ILogger logger, Exception exception, string workflow);

        [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Workflow {Workflow} has schedules but required inputs: it is not scheduled")]
        public static partial void NotSchedulable(ILogger logger, string workflow);

        [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Workflow {Workflow}: schedule '{Cron}' in '{Zone}' cannot be used")]
        public static partial void ScheduleInvalid(ILogger logger, Exception exception, string workflow, string cron, string zone);

        [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Workflow {Workflow}: starting scheduled run {RunId}")]
        public static partial void Firing(ILogger logger, string workflow, string runId);

        [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Workflow {Workflow}: occurrence {RunId} skipped, the previous run is still going (overlap: forbid)")]
        public static partial void OverlapSkipped(ILogger logger, string workflow, string runId);

        [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Workflow {Workflow}: missed occurrences of '{Cron}' were skipped")]
        public static partial void MissedSkipped(ILogger logger, string workflow, string cron);

        [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "Workflow {Workflow}: missed occurrence {RunId} already ran, not caught up")]
        public static partial void CatchUpAlreadyRan(ILogger logger, string workflow, string runId);

        [LoggerMessage(EventId = 109, Level = LogLevel.Debug, Message = "Workflow {Workflow}: run {RunId} is {State} in another process")]
        public static partial void RunElsewhere(ILogger logger, string workflow, string runId, string state);

        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Workflow {Workflow}: run {RunId} stopped with the host")]
        public static partial void RunStopped(ILogger logger, string workflow, string runId);

        [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Workflow {Workflow}: scheduled run {RunId} failed")]
        public static partial void RunFailed(ILogger logger, Exception exception, string workflow, string runId);

        [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Workflow {Workflow}: looking up run {RunId} in the store failed")]
        public static partial void StoreLookupFailed(ILogger logger, Exception exception, string workflow, string runId);

        [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Workflow {Workflow}: schedule '{Cron}' has no more occurrences")]
        public static partial void NoMoreOccurrences(ILogger logger, string workflow, string cron);
    }
}
