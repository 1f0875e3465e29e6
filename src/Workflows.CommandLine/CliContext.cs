using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;
using Workflows.Sqlite;

namespace Workflows.CommandLine;

/// <summary>What the commands of one <see cref="WorkflowCommandLine.RunAsync"/> call share.</summary>
internal sealed class CliContext
{
    public const string StoreVariable = "WORKFLOWS_STORE";
    public const string DefaultStoreFile = "workflows.db";

    public CliContext(WorkflowCommandLineOptions settings, WorkflowCatalog catalog, Option<string?> storeOption)
    {
        Settings = settings;
        Catalog = catalog;
        StoreOption = storeOption;
    }

    public WorkflowCommandLineOptions Settings { get; }

    public WorkflowCatalog Catalog { get; }

    public Option<string?> StoreOption { get; }

    public TextWriter Out => Settings.Out;

    public TextWriter Error => Settings.Error;

    public TimeProvider Time => Settings.Options?.TimeProvider ?? TimeProvider.System;

    /// <summary>The registration named <paramref name="name"/> (its newest version), or a usage error listing the known ones.</summary>
    public WorkflowRegistration Find(string name)
    {
        if (WorkflowVersions.Find(Catalog, name) is { } registration)
        {
            return registration;
        }

        throw new UsageException($"No workflow '{name}'. {Known()} Run 'list' to see them.");
    }

    public string Known()
        => Catalog.Registrations.Count == 0
            ? "This app has no workflows."
            : "Known: " + string.Join(", ", Catalog.Registrations.Select(r => r.Name)) + ".";

    /// <summary>Where the default SQLite store is, from <c>--store</c>, else the environment, else the current directory.</summary>
    public string StorePath(ParseResult parse)
    {
        var path = parse.GetValue(StoreOption);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = Environment.GetEnvironmentVariable(StoreVariable);
        }

        return string.IsNullOrWhiteSpace(path) ? Path.Combine(Directory.GetCurrentDirectory(), DefaultStoreFile) : path;
    }

    /// <summary>Names the store in messages.</summary>
    public string StoreName(ParseResult parse)
        => Settings.Store is null && Settings.Options?.Store is null ? "the store '" + StorePath(parse) + "'" : "the store";

    /// <summary>
    /// A container of the app's services with the composed <see cref="WorkflowOptions"/> and the store (created when
    /// first resolved, and given to the options only when <paramref name="durable"/>).
    /// </summary>
    public ServiceProvider BuildProvider(ParseResult parse, IWorkflowObserver? observer, bool durable, bool host = false, bool readOnly = false, bool history = false, Action<WorkflowHostOptions>? configureHost = null)
    {
        IServiceCollection services = new ServiceCollection();
        foreach (var descriptor in Settings.Services)
        {
            services.Add(descriptor);
        }

        if (Settings.Store is { } factory)
        {
            services.AddSingleton<IWorkflowStore>(provider => factory(provider));
        }
        else if (Settings.Options?.Store is { } given)
        {
            services.AddSingleton(given);
        }
        else
        {
            var path = StorePath(parse);
            var time = Time;
            // Commands that only read open the file read-only: they work on a read-only mount and never create it.
            services.AddSingleton<IWorkflowStore>(_ => readOnly ? SqliteWorkflowStore.OpenReadOnly(path, time) : new SqliteWorkflowStore(path, time));
        }

        // Runs that are not durable leave their history in the store too (WorkflowCommandLineOptions.History).
        history &= !durable && Settings.History;
        services.AddSingleton(provider => ComposeOptions(durable || history ? provider.GetRequiredService<IWorkflowStore>() : null, observer, history));
        if (host)
        {
            // The command's own settings (serve --max-concurrent-runs) win over the app's.
            services.AddWorkflows(Catalog.Registrations, configureHost is null ? Settings.ConfigureHost : options =>
            {
                Settings.ConfigureHost?.Invoke(options);
                configureHost(options);
            });
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Every property of the base options, with this command's store and observer.</summary>
    private WorkflowOptions ComposeOptions(IWorkflowStore? store, IWorkflowObserver? observer, bool history)
    {
        var options = Settings.Options ?? WorkflowOptions.Default;
        return new WorkflowOptions
        {
            TimeProvider = options.TimeProvider,
            Observer = CompositeObserver.Combine(options.Observer, observer),
            Logger = options.Logger,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
            Progress = options.Progress,
            FileRoot = options.FileRoot,
            HttpClient = options.HttpClient,
            Secrets = options.Secrets,
            Store = store,
            Owner = options.Owner,
            LeaseDuration = options.LeaseDuration,
            ControlInterval = options.ControlInterval,
            History = history,
        };
    }

    /// <summary>True when the command line's own SQLite store file does not exist (commands that only read then create nothing).</summary>
    public bool StoreFileMissing(ParseResult parse)
        => Settings.Store is null && Settings.Options?.Store is null && !File.Exists(StorePath(parse));

    /// <summary>Runs a command's body, turning its exceptions into messages and exit codes.</summary>
    public async Task<int> GuardAsync(Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException exception)
        {
            await Error.WriteLineAsync("error: " + Format.Terminal(exception.Message)).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (RefusedException exception)
        {
            await Error.WriteLineAsync("error: " + Format.Terminal(exception.Message)).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
#pragma warning disable CA1031 // The command line reports every failure as a message and an exit code.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await Error.WriteLineAsync("error: " + Format.Terminal(exception.Message)).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }

    /// <summary>Creates the workflow, reporting a missing service as a refusal.</summary>
    public static object Create(WorkflowRegistration registration, IServiceProvider provider)
    {
        try
        {
            return registration.Create(provider);
        }
#pragma warning disable CA1031 // Reported with what to do.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            throw new RefusedException($"Cannot create workflow '{registration.Name}': {exception.Message} Register what it needs in WorkflowCommandLineOptions.Services.");
        }
    }

    /// <summary>The run with this id, or a usage error.</summary>
    public async Task<RunRecord> GetRunAsync(IWorkflowStore store, ParseResult parse, string runId, CancellationToken cancellationToken)
        => await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new UsageException($"No run '{runId}' in {StoreName(parse)}. Run 'runs' to list the runs{(Settings.Store is null && Settings.Options?.Store is null ? ", or give the right file with --store" : "")}.");
}
