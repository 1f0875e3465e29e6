using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Durability;
using Workflows.Hosting;
using Workflows.Runtime;

namespace Workflows.AspNetCore;

/// <summary>
/// The runs of one <c>MapWorkflows()</c>: starts them in this process (through each workflow's generated
/// <see cref="WorkflowRegistration.InvokeAsync"/> and <see cref="WorkflowRegistration.ResumeAsync"/>), remembers those
/// that are not durable, and steers durable ones through <see cref="WorkflowRuns"/>.
/// </summary>
internal sealed partial class RunBoard
{
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, TrackedRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, Lazy<object>> _instances = new(StringComparer.Ordinal);
    private readonly Lazy<WorkflowOptions> _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    public RunBoard(WorkflowCatalog catalog, WorkflowApiOptions settings, IServiceProvider services)
    {
        Catalog = catalog;
        Settings = settings;
        _services = services;
        _options = new Lazy<WorkflowOptions>(ComposeOptions);
        _logger = (services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger("Workflows.AspNetCore") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _stopping = (services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime)?.ApplicationStopping ?? CancellationToken.None;
    }

    public WorkflowCatalog Catalog { get; }

    public WorkflowApiOptions Settings { get; }

    /// <summary>The options the API's workflows run with: the app's, with the API's observer and the store.</summary>
    public WorkflowOptions Options => _options.Value;

    public TimeProvider Time => Options.TimeProvider;

    public IWorkflowStore? Store => Options.Store;

    public WorkflowRuns? Runs => Store is { } store ? new WorkflowRuns(store, Time) : null;

    public bool IsDurable(WorkflowRegistration registration) => registration.IsDurable && Store is not null;

    public TrackedRun? Find(string runId) => _runs.TryGetValue(runId, out var run) ? run : null;

    /// <summary>The runs remembered here, newest first.</summary>
    public List<TrackedRun> Remembered()
    {
        var list = new List<TrackedRun>(_runs.Values);
        list.Sort(static (a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
        return list;
    }

    /// <summary>
    /// Starts a run in the background. The inputs are read first, by the generated code, before anything runs: a
    /// <see cref="WorkflowInputException"/> comes back here and nothing is remembered.
    /// </summary>
    public TrackedRun Start(WorkflowRegistration registration, WorkflowInputValues values, string inputsJson)
    {
        var durable = IsDurable(registration);
        var run = new TrackedRun(Guid.NewGuid().ToString("N"), registration, durable, inputsJson, Time);
        var instance = Instance(registration);
        var invoke = registration.InvokeAsync!;
        var execution = Launch(run, cancellationToken => invoke(instance, values, durable ? run.RunId : null, cancellationToken));
        if (execution.IsFaulted && execution.Exception!.InnerException is WorkflowInputException input)
        {
            throw input;
        }

        Remember(run);
        return run;
    }

    /// <summary>Continues a durable run made pending (resumed, retried) here, when <see cref="WorkflowApiOptions.ContinueInProcess"/>.</summary>
    public void Continue(WorkflowRegistration registration, string runId)
    {
        if (!Settings.ContinueInProcess || registration.ResumeAsync is not { } resume)
        {
            return;
        }

        if (!_runs.TryGetValue(runId, out var run))
        {
            run = new TrackedRun(runId, registration, durable: true, null, Time);
            if (_runs.TryAdd(runId, run))
            {
                _order.Enqueue(runId);
            }
            else
            {
                run = _runs[runId];
            }
        }

        if (run.Execution is { IsCompleted: false })
        {
            return; // still unwinding here; it picks the run up when it is claimable
        }

        var instance = Instance(registration);
        Launch(run, cancellationToken => resume(instance, runId, cancellationToken));
    }

    /// <summary>Runs <paramref name="body"/> with <paramref name="run"/> as the observer's current run, and records how it ends.</summary>
    private Task<string?> Launch(TrackedRun run, Func<CancellationToken, Task<string?>> body)
    {
        run.Starting();
        var previous = RunObserver.Current;
        RunObserver.Current = run;
        Task<string?> task;
        try
        {
            task = Invoke(body, run.Cancellation.Token);
        }
        finally
        {
            RunObserver.Current = previous;
        }

        // The run outlives the request: a run that is not durable is cancelled by a cancel or when the app stops (a
        // durable one drains instead: it stops starting steps and stays resumable).
        var stopping = run.Durable ? default : _stopping.Register(static state => ((TrackedRun)state!).Cancellation.Cancel(), run);
        run.Execution = Track(run, task, stopping);
        return task;
    }

    private static Task<string?> Invoke(Func<CancellationToken, Task<string?>> body, CancellationToken cancellationToken)
    {
        try
        {
            return body(cancellationToken);
        }
#pragma warning disable CA1031 // Becomes the run's outcome.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Task.FromException<string?>(exception);
        }
    }

    private async Task Track(TrackedRun run, Task<string?> task, CancellationTokenRegistration stopping)
    {
        using var registration = stopping;
        try
        {
            var outputs = await task.ConfigureAwait(false);
            run.Ended("succeeded", outputs, null);
        }
        catch (WorkflowInputException)
        {
            run.Ended("failed", null, "The inputs were not valid.");
        }
        catch (WorkflowRunPausedException)
        {
            run.Ended("paused", null, null);
        }
        catch (WorkflowRunWaitingException)
        {
            run.Ended("waiting", null, null); // not a failure: the run left to wait; a signal or its timer continues it
        }
        catch (OperationCanceledException) when (run.Durable && _stopping.IsCancellationRequested)
        {
            run.Ended("pending", null, null); // released for the next start of the app
        }
        catch (OperationCanceledException)
        {
            run.Ended("cancelled", null, null);
        }
#pragma warning disable CA1031 // The outcome of a background run: recorded and logged, never thrown.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            run.Ended("failed", null, Describe(exception));
            Log.RunFailed(_logger, run.Registration.Name, run.RunId, SecretRedactor.Redact(exception.Message));
        }

        Forget();
    }

    /// <summary>Why a run failed, in words fit for any client: messages only (secrets masked), never a stack trace.</summary>
    public static string Describe(Exception exception)
    {
        if (exception is WorkflowFailedException failed)
        {
            var messages = new List<string>();
            foreach (var failure in failed.AllFailures)
            {
                messages.Add(failure.Message);
            }

            return SecretRedactor.Redact(string.Join(" ", messages));
        }

        return SecretRedactor.Redact(exception.Message);
    }

    private void Remember(TrackedRun run)
    {
        _runs[run.RunId] = run;
        _order.Enqueue(run.RunId);
    }

    /// <summary>Forgets the oldest ended runs past <see cref="WorkflowApiOptions.MaxRememberedRuns"/> (durable ones stay in the store).</summary>
    private void Forget()
    {
        var excess = _runs.Count - Math.Max(1, Settings.MaxRememberedRuns);
        for (var i = 0; i < excess && _order.TryPeek(out var oldest); i++)
        {
            // A durable run is the store's once this process stopped executing it; one in memory only once it ended.
            if (_runs.TryGetValue(oldest, out var run) && !(run.IsFinal || (run.Durable && run.Execution is { IsCompleted: true })))
            {
                break;
            }

            _order.TryDequeue(out _);
            _runs.TryRemove(oldest, out _);
        }
    }

    /// <summary>One instance per workflow, created on first use from the app's services with the API's options.</summary>
    private object Instance(WorkflowRegistration registration)
        => _instances.GetOrAdd(registration.Name, _ => new Lazy<object>(() => registration.Create(new ApiServices(_services, this)))).Value;

    private WorkflowOptions ComposeOptions()
    {
        var options = _services.GetService(typeof(WorkflowOptions)) as WorkflowOptions ?? WorkflowOptions.Default;
        return new WorkflowOptions
        {
            TimeProvider = options.TimeProvider,
            Observer = new RunObserver(options.Observer),
            Logger = options.Logger,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            Progress = options.Progress,
            FileRoot = options.FileRoot,
            HttpClient = options.HttpClient,
            Secrets = options.Secrets,
            Store = options.Store ?? _services.GetService(typeof(IWorkflowStore)) as IWorkflowStore,
            Owner = options.Owner,
            LeaseDuration = options.LeaseDuration,
            DrainToken = options.DrainToken.CanBeCanceled ? options.DrainToken : _stopping,
        };
    }

    /// <summary>The app's services as the API's workflows see them: their <see cref="WorkflowOptions"/> are the API's.</summary>
    private sealed class ApiServices(IServiceProvider inner, RunBoard board) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(WorkflowOptions) ? board.Options : inner.GetService(serviceType);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Workflow {Workflow}: run {RunId} started through the API failed: {Reason}")]
        public static partial void RunFailed(ILogger logger, string workflow, string runId, string reason);
    }
}
