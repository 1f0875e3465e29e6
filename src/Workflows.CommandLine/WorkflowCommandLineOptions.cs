using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;

namespace Workflows.CommandLine;

/// <summary>Settings of <see cref="WorkflowCommandLine.RunAsync"/>: the app's services, options, store and output.</summary>
public sealed class WorkflowCommandLineOptions
{
    /// <summary>
    /// The app's services: the classes whose actions its workflows call, and anything they need.
    /// <see cref="WorkflowRegistration.Create"/> takes them from here.
    /// </summary>
    public IServiceCollection Services { get; } = new ServiceCollection();

    /// <summary>
    /// The base workflow options (clock, secrets, file root, logger...). The command line copies every property into
    /// new options, adding its store and its progress observer (composed with <see cref="WorkflowOptions.Observer"/>).
    /// </summary>
    public WorkflowOptions? Options { get; set; }

    /// <summary>
    /// Creates the store of durable runs, only for the commands that need one. Default: <see cref="WorkflowOptions.Store"/>
    /// of <see cref="Options"/> when set, else a SQLite store in the file given by the global option <c>--store</c>,
    /// else by the environment variable <c>WORKFLOWS_STORE</c>, else <c>workflows.db</c> in the current directory.
    /// </summary>
    public Func<IServiceProvider, IWorkflowStore>? Store { get; set; }

    /// <summary>
    /// Whether <c>run</c> records the history of a workflow that is not durable in the store
    /// (<see cref="WorkflowOptions.History"/>: written once when the run ends), so <c>runs</c> and <c>status</c> show it.
    /// Default true.
    /// </summary>
    public bool History { get; set; } = true;

    /// <summary>Where results go (JSON, tables): the standard output by default.</summary>
    public TextWriter Out { get; set; } = Console.Out;

    /// <summary>Where progress and messages go: the standard error by default.</summary>
    public TextWriter Error { get; set; } = Console.Error;

    /// <summary>The root command's description, shown by <c>--help</c>.</summary>
    public string? Description { get; set; }

    /// <summary>Extra commands the app adds to the root command.</summary>
    public IList<Command> Commands { get; } = new List<Command>();

    /// <summary>Changes the host options of <c>serve</c> (catch-up window, recovery at start).</summary>
    public Action<WorkflowHostOptions>? ConfigureHost { get; set; }

    /// <summary>
    /// The largest <c>--input-file</c> (or standard input) <c>run</c> reads, in bytes; a larger one is refused with
    /// exit code 2. Default 16 MiB.
    /// </summary>
    public long MaxInputFileBytes { get; set; } = 16 * 1024 * 1024;
}
