using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Hosting;

namespace Workflows.CommandLine;

/// <summary>
/// A complete command line for an app whose workflows are compiled into it: <c>list</c>, <c>show</c>, <c>run</c>,
/// <c>runs</c>, <c>status</c>, <c>pause</c>, <c>resume</c>, <c>retry</c>, <c>cancel</c>, <c>signal</c>, <c>export</c> and <c>serve</c>.
/// </summary>
/// <example>
/// <code>
/// static Task&lt;int&gt; Main(string[] args) =&gt; WorkflowCommandLine.RunAsync(args, WorkflowRegistrations.All, cli =&gt;
///     cli.Services.AddSingleton&lt;DeployActions&gt;());
/// </code>
/// </example>
/// <remarks>
/// Exit codes: 0 success; 1 the workflow failed, the operation was refused, or it was cancelled; 2 invalid usage or
/// input (unknown workflow or run id, bad inputs, parse errors).
/// </remarks>
public static class WorkflowCommandLine
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code. Never throws for user mistakes.</summary>
    /// <param name="args">The arguments of <c>Main</c>.</param>
    /// <param name="workflows">The app's workflows, usually its generated <c>WorkflowRegistrations.All</c>.</param>
    /// <param name="configure">Registers the app's services and changes the options.</param>
    /// <param name="cancellationToken">Cancels the command, like Ctrl+C (SIGINT) and SIGTERM do.</param>
    /// <returns>0 on success, 1 when the workflow failed or the operation was refused or cancelled, 2 for invalid usage or input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> or <paramref name="workflows"/> is null.</exception>
    /// <exception cref="ArgumentException">Two workflows have the same name.</exception>
    public static async Task<int> RunAsync(
        string[] args,
        IEnumerable<WorkflowRegistration> workflows,
        Action<WorkflowCommandLineOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(workflows);

        var settings = new WorkflowCommandLineOptions();
        configure?.Invoke(settings);
        var catalog = new WorkflowCatalog(workflows);

        var store = new Option<string?>("--store")
        {
            Description = $"The SQLite file of durable runs (default: ${CliContext.StoreVariable}, else {CliContext.DefaultStoreFile} in the current directory).",
            Recursive = true,
        };
        var context = new CliContext(settings, catalog, store);

        var root = new RootCommand(settings.Description ?? "Runs and inspects this app's workflows.") { store };
        root.Subcommands.Add(InfoCommands.List(context));
        root.Subcommands.Add(InfoCommands.Show(context));
        root.Subcommands.Add(RunCommands.Run(context));
        root.Subcommands.Add(RunsCommands.Runs(context));
        root.Subcommands.Add(RunsCommands.Status(context));
        root.Subcommands.Add(RunsCommands.Cancel(context));
        root.Subcommands.Add(RunsCommands.Pause(context));
        root.Subcommands.Add(RunCommands.Resume(context));
        root.Subcommands.Add(RunCommands.Retry(context));
        root.Subcommands.Add(SignalCommand.Create(context));
        root.Subcommands.Add(InfoCommands.Export(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        foreach (var command in settings.Commands)
        {
            root.Subcommands.Add(command);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await settings.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await settings.Error.WriteLineAsync("Run with --help to see the commands and their options.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = new SignalHandler(cancellation);
        var invocation = new InvocationConfiguration
        {
            Output = settings.Out,
            Error = settings.Error,
            EnableDefaultExceptionHandler = false,
            // Signals are handled here: the first cancels the command (serve stops gracefully), a second ends the process.
            ProcessTerminationTimeout = null,
        };

        return await context.GuardAsync(() => parsed.InvokeAsync(invocation, cancellation.Token), cancellation.Token).ConfigureAwait(false);
    }

    /// <summary>Cancels on the first SIGINT (Ctrl+C) or SIGTERM; lets a second one end the process.</summary>
    private sealed class SignalHandler : IDisposable
    {
        private readonly CancellationTokenSource _cancellation;
        private readonly List<PosixSignalRegistration> _registrations = new();
        private int _count;

        public SignalHandler(CancellationTokenSource cancellation)
        {
            _cancellation = cancellation;
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            {
                try
                {
                    _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
                }
                catch (PlatformNotSupportedException)
                {
                }
            }
        }

        private void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref _count) == 1)
            {
                context.Cancel = true;
                _cancellation.Cancel();
            }
        }

        public void Dispose()
        {
            foreach (var registration in _registrations)
            {
                registration.Dispose();
            }
        }
    }
}
