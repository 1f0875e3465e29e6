using System;
using System.Net.Http;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Workflows;

/// <summary>Options a generated workflow takes through its constructor.</summary>
public sealed class WorkflowOptions
{
    /// <summary>The options used when none are given.</summary>
    public static WorkflowOptions Default { get; } = new();

    /// <summary>
    /// The clock for retry delays and timeouts. <see cref="TimeProvider.System"/> by default; tests pass a
    /// manual one so that nothing has to wait.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives run and step events. Null (the default) costs nothing.</summary>
    public IWorkflowObserver? Observer { get; init; }

    /// <summary>Logs runs and steps (category of your choosing). Null, or a logger with nothing enabled, costs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// How many steps of a run may run at once, and the default bound of <c>foreach</c> items. Null (the
    /// default) takes the workflow's <c>max_parallel:</c>, else no bound. 1 runs the steps one at a time in
    /// the static batch order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int? MaxDegreeOfParallelism
    {
        get => field;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "MaxDegreeOfParallelism must be at least 1, or null for the workflow's default.");
            }

            field = value;
        }
    }

    /// <summary>Receives a <see cref="WorkflowProgress"/> after every step. Null (the default) costs nothing.</summary>
    public IProgress<WorkflowProgress>? Progress { get; init; }

    /// <summary>
    /// The directory the built-in <c>file.*</c> actions (and <c>process.run</c>'s <c>working_directory</c>)
    /// are confined to. Paths in workflows are relative to it; absolute paths, <c>..</c> that climbs out of it
    /// and symbolic links that lead out of it are rejected. Null (the default) means
    /// <see cref="System.IO.Directory.GetCurrentDirectory"/> at the time of the call.
    /// </summary>
    public string? FileRoot { get; init; }

    /// <summary>
    /// The client the built-in <c>http.*</c> actions send requests through; pass one from
    /// <c>IHttpClientFactory</c> to control handlers, proxies and lifetimes. Null (the default) means one
    /// shared client, created on first use (no automatic redirects, no cookies).
    /// </summary>
    /// <remarks>
    /// The actions follow redirects themselves, keeping the step's headers away from other origins
    /// (<c>follow_redirects</c>): give this client a handler with <c>AllowAutoRedirect = false</c>, or its handler
    /// follows redirects first, with the headers.
    /// </remarks>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Where <c>${{ secrets.NAME }}</c> reads secret values from. Null (the default) means environment
    /// variables (<see cref="EnvironmentSecrets"/> without a prefix).
    /// </summary>
    public IWorkflowSecrets? Secrets { get; init; }

    /// <summary>
    /// Where durable runs keep their checkpoints (<c>Workflows.Sqlite</c>, <c>Workflows.PostgreSql</c>). With a
    /// store, workflows that name a <c>json_context</c> run durably; null (the default) costs nothing.
    /// </summary>
    public Durability.IWorkflowStore? Store { get; init; }

    /// <summary>
    /// This process's name as the owner of the durable runs it executes. Default: machine name, app name, process id,
    /// what tells this process from an earlier one with the same id, and a number unique per
    /// <see cref="WorkflowOptions"/> instance. On Linux, a run whose default owner was a process of this machine that
    /// has ended (the app restarted after a crash) is taken over at once; a run of a live owner, of another machine or
    /// container, or of an app not on Linux, waits for its lease to expire. Set a fixed owner only for a single instance of an app: two live processes with the
    /// same owner would both run its runs.
    /// </summary>
    public string Owner { get; init; } = Durability.ProcessOwner.NewDefault();

    /// <summary>
    /// How long a durable run stays owned without its owner renewing the lease (renewed every third of it).
    /// Another process may resume the run once it expired. Default 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the owner of a durable run reads the run's record for an operator's pause or cancel (and renews its
    /// lease when due): a pause takes effect at the next step boundary after it is seen, a cancel cancels the running
    /// actions' tokens at once. Default 1 second: one read of one row per running run and interval. At most a third
    /// of <see cref="LeaseDuration"/> is used when that is shorter.
    /// </summary>
    public TimeSpan ControlInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Also record runs that are not durable in <see cref="Store"/>: the run, its outcome and its steps (with
    /// attempts, start and end times, errors), written once when the run ends, so <c>runs</c> and <c>status</c> show
    /// them; no checkpoint is written while it runs and nothing is resumed. Off by default for library use; the
    /// command line and the host turn it on. Inputs and outputs are not stored for such runs.
    /// </summary>
    public bool History { get; init; }

    /// <summary>
    /// When cancelled, durable runs start no new step: the steps already running finish and are recorded, then the
    /// run is released (<see cref="Durability.RunStatus.Pending"/>) for a restarted or another process to continue.
    /// A host cancels it when it shuts down, before its shutdown timeout cancels what still runs.
    /// </summary>
    public CancellationToken DrainToken { get; init; }

    /// <summary>A copy of these options with <see cref="DrainToken"/> set to <paramref name="drainToken"/>.</summary>
    public WorkflowOptions WithDrainToken(CancellationToken drainToken) => With(History, drainToken);

    /// <summary>A copy of these options with <see cref="DrainToken"/> and <see cref="History"/> set (a host's view of the app's options).</summary>
    public WorkflowOptions With(bool history, CancellationToken drainToken) => new()
    {
        TimeProvider = TimeProvider,
        Observer = Observer,
        Logger = Logger,
        MaxDegreeOfParallelism = MaxDegreeOfParallelism,
        Progress = Progress,
        FileRoot = FileRoot,
        HttpClient = HttpClient,
        Secrets = Secrets,
        Store = Store,
        Owner = Owner,
        LeaseDuration = LeaseDuration,
        ControlInterval = ControlInterval,
        History = history,
        DrainToken = drainToken,
    };
}
