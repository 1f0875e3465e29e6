using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;

namespace Workflows.CommandLine;

/// <summary><c>run</c>, <c>resume</c> and <c>retry</c>: commands that execute a workflow in this process.</summary>
internal static class RunCommands
{
    public static Command Run(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "The workflow's name (see 'list')." };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input as name=value (repeatable); wins over --input-file. Text is read as JSON of the input's type when it is (42, true, [1,2]), else as a string.",
            AllowMultipleArgumentsPerToken = false,
        };
        var inputFile = new Option<string?>("--input-file")
        {
            Description = "A JSON file whose object's properties are inputs ('-' reads standard input).",
        };
        var runId = new Option<string?>("--run-id")
        {
            Description = "The durable run's id (an idempotency key); a new one by default. Durable workflows only.",
        };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print no progress." };
        var detach = new Option<bool>("--detach")
        {
            Description = "Durable workflows: only enqueue the run (pending, with its inputs), print its id and exit; a 'serve' process (any host on the store) runs it. 'status <run-id> --wait' waits for it.",
        };
        var command = new Command("run", "Run a workflow and print its outputs as JSON.") { name, inputs, inputFile, runId, quiet, detach };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(
            () => RunAsync(context, parse, parse.GetValue(name)!, parse.GetValue(inputs) ?? Array.Empty<string>(), parse.GetValue(inputFile), parse.GetValue(runId), parse.GetValue(quiet), parse.GetValue(detach), cancellationToken),
            cancellationToken));
        return command;
    }

    public static Command Resume(CliContext context)
    {
        var (runId, detach, quiet) = ContinueOptions();
        var command = new Command("resume", "Resume a paused (or pending) durable run and continue it here.") { runId, detach, quiet };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(
            () => ResumeAsync(context, parse, parse.GetValue(runId)!, parse.GetValue(detach), parse.GetValue(quiet), retry: false, cancellationToken),
            cancellationToken));
        return command;
    }

    public static Command Retry(CliContext context)
    {
        var (runId, detach, quiet) = ContinueOptions();
        var command = new Command("retry", "Retry a failed durable run from its failed steps and continue it here.") { runId, detach, quiet };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(
            () => ResumeAsync(context, parse, parse.GetValue(runId)!, parse.GetValue(detach), parse.GetValue(quiet), retry: true, cancellationToken),
            cancellationToken));
        return command;
    }

    private static (Argument<string> RunId, Option<bool> Detach, Option<bool> Quiet) ContinueOptions()
        => (new Argument<string>("run-id") { Description = "The run's id (see 'runs')." },
            new Option<bool>("--detach") { Description = "Only make the run pending: a 'serve' process continues it." },
            new Option<bool>("--quiet", "-q") { Description = "Print no progress." });

    private static async Task<int> RunAsync(
        CliContext context, ParseResult parse, string name, string[] inputTexts, string? inputFile, string? runId, bool quiet, bool detach, CancellationToken cancellationToken)
    {
        var registration = context.Find(name);
        if (registration.InvokeAsync is null)
        {
            throw new RefusedException($"Workflow '{name}' cannot be run from the command line: its registration has no InvokeAsync. Rebuild the app with a current Workflows generator.");
        }

        var values = ReadInputs(registration, inputTexts, inputFile, context.Settings.MaxInputFileBytes);
        try
        {
            // Before anything runs (and before a run id is printed): unknown names, then every missing input at once.
            var known = new List<string>();
            foreach (var input in registration.Inputs)
            {
                known.Add(input.Name);
            }

            values.CheckNames(registration.Name, known);
            values.CheckRequired(registration.Name, registration.Inputs);
        }
        catch (WorkflowInputException exception)
        {
            throw new UsageException(exception.Message);
        }

        if (runId is not null && !registration.IsDurable)
        {
            throw new UsageException($"Workflow '{name}' is not durable: --run-id applies only to durable workflows (those with a json_context). Leave it out.");
        }

        if (runId is not null && string.IsNullOrWhiteSpace(runId))
        {
            throw new UsageException("--run-id is empty: give an id, or leave it out for a new one.");
        }

        if (detach)
        {
            if (!registration.IsDurable)
            {
                throw new UsageException($"Workflow '{name}' is not durable: --detach applies only to durable workflows (those with a json_context), which a 'serve' process can run from the store. Leave it out to run it here.");
            }

            return await DetachedRun.EnqueueAsync(context, parse, registration, values, runId ?? Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
        }

        RunIdAnnouncer? announcer = null;
        if (registration.IsDurable)
        {
            runId ??= Guid.NewGuid().ToString("N");
            announcer = new RunIdAnnouncer(context.Error, registration.Name, runId);
        }

        using var progress = quiet ? null : ProgressObserver.Create(context.Error, registration.Name, registration.Descriptor.Steps.Count);
        var provider = context.BuildProvider(parse, CompositeObserver.Combine(announcer, progress), durable: registration.IsDurable, history: true);
        await using (provider.ConfigureAwait(false))
        {
            var workflow = CliContext.Create(registration, provider);
            string? outputs;
            try
            {
                outputs = await registration.InvokeAsync(workflow, values, runId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                progress?.Dispose();
                return await FailedAsync(context, registration.Name, runId, exception, cancellationToken).ConfigureAwait(false);
            }

            progress?.Dispose();
            if (outputs is not null)
            {
                JsonOutput.WritePretty(context.Out, Workflows.Runtime.SecretRedactor.RedactJson(outputs)!); // secrets read by the run never printed
            }

            return ExitCodes.Success;
        }
    }

    private static async Task<int> ResumeAsync(
        CliContext context, ParseResult parse, string runId, bool detach, bool quiet, bool retry, CancellationToken cancellationToken)
    {
        var provider = context.BuildProvider(parse, null, durable: false);
        RunRecord run;
        await using (provider.ConfigureAwait(false))
        {
            var store = provider.GetRequiredService<IWorkflowStore>();
            var runs = new WorkflowRuns(store, context.Time);
            run = await context.GetRunAsync(store, parse, runId, cancellationToken).ConfigureAwait(false);
            if (retry)
            {
                if (!await runs.RetryAsync(runId, cancellationToken).ConfigureAwait(false))
                {
                    run = await context.GetRunAsync(store, parse, runId, cancellationToken).ConfigureAwait(false);
                    throw new RefusedException($"Run '{runId}' is {Format.Status(run.Status)}: only failed runs can be retried.{Hint(run)}");
                }

                await context.Error.WriteLineAsync($"retrying run {runId} of {run.WorkflowName} from its failed steps").ConfigureAwait(false);
            }
            else if (await runs.ResumeAsync(runId, cancellationToken).ConfigureAwait(false))
            {
                await context.Error.WriteLineAsync($"resumed run {runId} of {run.WorkflowName}").ConfigureAwait(false);
            }
            else
            {
                run = await context.GetRunAsync(store, parse, runId, cancellationToken).ConfigureAwait(false);
                switch (run.Status)
                {
                    case RunStatus.Pending:
                        await context.Error.WriteLineAsync($"run {runId} of {run.WorkflowName} is already pending").ConfigureAwait(false);
                        break;
                    case RunStatus.Running when !detach:
                        // Continuing it claims it only if its owner died (its lease expired); otherwise the registration says who has it.
                        break;
                    default:
                        throw new RefusedException($"Run '{runId}' is {Format.Status(run.Status)}: only paused or pending runs can be resumed.{Hint(run)}");
                }
            }
        }

        if (detach)
        {
            await context.Error.WriteLineAsync($"run {runId} is pending: a 'serve' process continues it.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        return await ContinueAsync(context, parse, run.WorkflowName, runId, quiet, cancellationToken).ConfigureAwait(false);
    }

    private static string Hint(RunRecord run) => run.Status switch
    {
        RunStatus.Failed => $" Retry it with 'retry {run.RunId}'.",
        RunStatus.Paused => $" Resume it with 'resume {run.RunId}'.",
        RunStatus.Waiting => $" It is waiting ('status {run.RunId}' says for what): 'signal {run.RunId} <name>' sends a signal, and a 'serve' process continues it when it wakes.",
        RunStatus.Running or RunStatus.Pending => $" Pause it with 'pause {run.RunId}' or cancel it with 'cancel {run.RunId}'.",
        _ => string.Empty,
    };

    /// <summary>Continues a pending run here, through the registration of its workflow.</summary>
    internal static async Task<int> ContinueAsync(CliContext context, ParseResult parse, string workflowName, string runId, bool quiet, CancellationToken cancellationToken)
    {
        if (!context.Catalog.TryGet(workflowName, out var registration))
        {
            throw new RefusedException(WorkflowVersions.MissingVersion(context.Catalog, runId, workflowName) ?? $"Run '{runId}' is of workflow '{workflowName}', which this app does not have ({context.Known()}). It stays pending for an app that has it.");
        }

        if (registration.ResumeAsync is null)
        {
            throw new RefusedException($"Workflow '{workflowName}' cannot continue runs from the command line: its registration has no ResumeAsync. Rebuild the app with a current Workflows generator, or use --detach and 'serve'.");
        }

        await context.Error.WriteLineAsync("run " + runId).ConfigureAwait(false);
        using var progress = quiet ? null : ProgressObserver.Create(context.Error, registration.Name, registration.Descriptor.Steps.Count);
        var provider = context.BuildProvider(parse, progress, durable: true);
        await using (provider.ConfigureAwait(false))
        {
            var workflow = CliContext.Create(registration, provider);
            string? outputs;
            try
            {
                outputs = await registration.ResumeAsync(workflow, runId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                progress?.Dispose();
                return await FailedAsync(context, registration.Name, runId, exception, cancellationToken).ConfigureAwait(false);
            }

            progress?.Dispose();
            if (outputs is not null)
            {
                JsonOutput.WritePretty(context.Out, Workflows.Runtime.SecretRedactor.RedactJson(outputs)!); // secrets read by the run never printed
            }

            return ExitCodes.Success;
        }
    }

    /// <summary>Reports why a run did not succeed, with what to do next; returns the exit code.</summary>
    internal static async Task<int> FailedAsync(CliContext context, string workflowName, string? runId, Exception exception, CancellationToken cancellationToken)
    {
        var error = context.Error;
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                await error.WriteLineAsync("cancelled").ConfigureAwait(false);
                if (runId is not null)
                {
                    await error.WriteLineAsync($"The run keeps its completed steps: continue it with 'resume {runId}'.").ConfigureAwait(false);
                }

                return ExitCodes.Failed;
            case WorkflowInputException:
            case WorkflowRunNotFoundException:
                await error.WriteLineAsync("error: " + Format.Terminal(exception.Message)).ConfigureAwait(false);
                return ExitCodes.Usage;
            case WorkflowStoreException:
                await error.WriteLineAsync("error: " + Format.Terminal(exception.Message)).ConfigureAwait(false);
                return ExitCodes.Failed;
            case WorkflowFailedException { InnerException: WorkflowStoreException store }:
                await error.WriteLineAsync("error: " + Format.Terminal(store.Message)).ConfigureAwait(false);
                return ExitCodes.Failed;
            case WorkflowFailedException failed:
                foreach (var failure in failed.AllFailures)
                {
                    await error.WriteLineAsync("error: " + Format.Terminal(failure.Message)).ConfigureAwait(false);
                }

                foreach (var cleanup in failed.CleanupFailures)
                {
                    await error.WriteLineAsync($"error: {cleanup.Kind.ToString().ToLowerInvariant()} step '{cleanup.StepId}' failed too: {Format.Terminal(cleanup.Exception.Message)}").ConfigureAwait(false);
                }

                if (runId is not null)
                {
                    await error.WriteLineAsync($"Run {runId} failed at step '{failed.StepId}': fix the cause, then 'retry {runId}' runs it again from the failed steps.").ConfigureAwait(false);
                }

                return ExitCodes.Failed;
            case WorkflowRunInProgressException:
            case WorkflowDefinitionChangedException:
            case WorkflowLeaseLostException:
                await error.WriteLineAsync("error: " + Format.Terminal(exception.Message)).ConfigureAwait(false);
                return ExitCodes.Failed;
            case WorkflowRunCancelledException:
                await error.WriteLineAsync($"cancelled: run {runId} was cancelled; its completed steps are kept. 'retry {runId}' continues it from the steps that did not complete, or start a new run.").ConfigureAwait(false);
                return ExitCodes.Failed;
            case WorkflowRunWaitingException waiting:
                // Not a failure: the run left this process and a 'serve' process (or 'signal') continues it.
                await error.WriteLineAsync($"waiting: {Format.Terminal(waiting.WaitingFor)}").ConfigureAwait(false);
                await error.WriteLineAsync($"Run {runId} holds no process while it waits: 'signal {runId} <name>' sends a signal, and a 'serve' process continues it when it wakes.").ConfigureAwait(false);
                return ExitCodes.Success;
            case WorkflowRunPausedException:
                await error.WriteLineAsync($"paused: run {runId} started no new step. Continue it with 'resume {runId}'.").ConfigureAwait(false);
                return ExitCodes.Failed;
            case WorkflowRunFinishedException finished:
                await error.WriteLineAsync("error: " + Format.Terminal(exception.Message) + (finished.Run.Status == RunStatus.Failed ? $" Retry it with 'retry {finished.Run.RunId}', or start a new run without --run-id." : " Start a new run without --run-id.")).ConfigureAwait(false);
                return ExitCodes.Failed;
            default:
                await error.WriteLineAsync($"error: workflow '{workflowName}' failed: {Format.Terminal(exception.Message)}").ConfigureAwait(false);
                return ExitCodes.Failed;
        }
    }

    /// <summary>The inputs from <c>--input-file</c> and <c>--input</c>; usage errors for malformed ones.</summary>
    private static WorkflowInputValues ReadInputs(WorkflowRegistration registration, string[] inputTexts, string? inputFile, long maxInputFileBytes)
    {
        var text = new List<KeyValuePair<string, string>>();
        foreach (var input in inputTexts)
        {
            var equals = input.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException(equals < 0
                    ? $"--input '{Format.Excerpt(input)}' has no '=': give it as name=value (inputs of '{registration.Name}': {InputNames(registration)})."
                    : $"--input '{Format.Excerpt(input)}' has no name before '=': give it as name=value.");
            }

            text.Add(new KeyValuePair<string, string>(input[..equals], input[(equals + 1)..]));
        }

        JsonElement? json = null;
        if (inputFile is not null)
        {
            string content;
            try
            {
                content = ReadBounded(inputFile, maxInputFileBytes);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UsageException($"Cannot read --input-file '{inputFile}': {exception.Message}");
            }

            try
            {
                using var document = JsonDocument.Parse(content);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new UsageException($"--input-file '{inputFile}' holds a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}: it must be an object whose properties are inputs, like {{\"name\": \"value\"}}.");
                }

                json = document.RootElement.Clone();
            }
            catch (JsonException exception)
            {
                throw new UsageException($"--input-file '{inputFile}' is not valid JSON: {exception.Message}");
            }
        }

        return new WorkflowInputValues(text, json);
    }

    /// <summary>
    /// The file's (or standard input's) text, read up to <paramref name="maxBytes"/>: a device or pipe that never ends
    /// (<c>/dev/zero</c>) or a huge file is refused instead of filling the memory.
    /// </summary>
    internal static string ReadBounded(string inputFile, long maxBytes)
    {
        using var stream = inputFile == "-" ? Console.OpenStandardInput() : new FileStream(inputFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new UsageException($"--input-file '{inputFile}' is larger than {Format.Size(maxBytes)}: give a smaller file, or raise WorkflowCommandLineOptions.MaxInputFileBytes.");
            }
        }

        return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }

    private static string InputNames(WorkflowRegistration registration)
    {
        if (registration.Inputs.Count == 0)
        {
            return "none";
        }

        var names = new List<string>();
        foreach (var input in registration.Inputs)
        {
            names.Add(input.Name);
        }

        return string.Join(", ", names);
    }
}
