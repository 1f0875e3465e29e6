using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;

namespace Workflows.CommandLine;

/// <summary>
/// <c>signal &lt;run-id&gt; &lt;name&gt; [--data json | --data-file f]</c>: sends a signal to a durable run, its payload
/// checked against the signal step's type first; then continues the run here when the signal woke it.
/// </summary>
internal static class SignalCommand
{
    public static Command Create(CliContext context)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id (see 'runs')." };
        var name = new Argument<string>("name") { Description = "The signal's name, as its 'signal:' step writes it." };
        var data = new Option<string?>("--data") { Description = "The payload as JSON, of the signal step's 'type'." };
        var dataFile = new Option<string?>("--data-file") { Description = "A file holding the payload's JSON ('-' for standard input)." };
        var id = new Option<string?>("--id") { Description = "The signal's id: sending the same id again changes nothing (default: a new id)." };
        var detach = new Option<bool>("--detach") { Description = "Only send it: a 'serve' process continues the run." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress lines while the run continues." };
        var command = new Command("signal", "Send a signal to a durable run that waits (or will wait) for it, then continue the run when it woke it.")
        {
            runId, name, data, dataFile, id, detach, quiet,
        };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(async () =>
        {
            var run = parse.GetValue(runId)!;
            var signal = parse.GetValue(name)!;
            var payload = ReadPayload(context, parse.GetValue(data), parse.GetValue(dataFile));
            string workflowName;
            bool sent;
            var provider = context.BuildProvider(parse, null, durable: false);
            await using (provider.ConfigureAwait(false))
            {
                var store = provider.GetRequiredService<IWorkflowStore>();
                var record = await context.GetRunAsync(store, parse, run, cancellationToken).ConfigureAwait(false);
                workflowName = record.WorkflowName;
                Check(context, record, signal, payload);
                try
                {
                    sent = await new WorkflowRuns(store, context.Time).SignalAsync(run, signal, payload, parse.GetValue(id), cancellationToken).ConfigureAwait(false);
                }
                catch (WorkflowSignalRefusedException refused)
                {
                    throw new RefusedException(refused.Message);
                }
                catch (ArgumentException invalid)
                {
                    throw new UsageException(invalid.Message);
                }

                await context.Error.WriteLineAsync(sent
                    ? $"sent signal {Format.Terminal(signal)} to run {Format.Terminal(run)}"
                    : $"signal id {Format.Terminal(parse.GetValue(id) ?? "")} was sent to run {Format.Terminal(run)} before: nothing changed").ConfigureAwait(false);
                var now = await store.GetRunAsync(run, cancellationToken).ConfigureAwait(false);
                var wait = await new WorkflowRuns(store, context.Time).GetWaitAsync(run, cancellationToken).ConfigureAwait(false);
                var woke = now?.Status == RunStatus.Waiting && wait?.WakeAt is { } wake && wake <= context.Time.GetUtcNow();
                if (!woke || parse.GetValue(detach))
                {
                    if (now?.Status == RunStatus.Waiting && !woke)
                    {
                        await context.Error.WriteLineAsync($"run {Format.Terminal(run)} still waits: {Format.Terminal(wait?.Describe() ?? "")}").ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }
            }

            return await RunCommands.ContinueAsync(context, parse, workflowName, run, parse.GetValue(quiet), cancellationToken).ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }

    /// <summary>The payload's JSON from --data or --data-file; null when neither is given.</summary>
    private static string? ReadPayload(CliContext context, string? data, string? dataFile)
    {
        if (data is not null && dataFile is not null)
        {
            throw new UsageException("Give the payload with --data or with --data-file, not both.");
        }

        if (dataFile is null)
        {
            return data;
        }

        try
        {
            return RunCommands.ReadBounded(dataFile, context.Settings.MaxInputFileBytes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"Cannot read --data-file '{dataFile}': {exception.Message}");
        }
    }

    /// <summary>
    /// When this app has the run's workflow: the signal must be one its steps wait for, and the payload must fit
    /// that step's type (so a typo fails here, not days later in the run).
    /// </summary>
    private static void Check(CliContext context, RunRecord run, string signal, string? payload)
    {
        if (!context.Catalog.TryGet(run.WorkflowName, out var registration))
        {
            return; // another app's workflow: its own command line checks it; the store still refuses finished runs
        }

        var signals = registration.Descriptor.Signals;
        var descriptor = signals.FirstOrDefault(s => s.Name == signal)
            ?? throw new UsageException(signals.Count == 0
                ? $"Workflow '{run.WorkflowName}' waits for no signal: it has no 'signal:' step."
                : $"Workflow '{run.WorkflowName}' has no signal '{signal}'; its signals: {string.Join(", ", signals.Select(s => s.Name))}.");
        if (descriptor.CheckPayload(payload) is { } problem)
        {
            throw new UsageException($"Signal '{signal}' not sent: {problem.TrimEnd('.')}.");
        }
    }
}
