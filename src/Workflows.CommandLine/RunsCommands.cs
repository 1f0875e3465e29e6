using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;

namespace Workflows.CommandLine;

/// <summary><c>runs</c>, <c>status</c>, <c>cancel</c> and <c>pause</c>: durable runs in the store.</summary>
internal static class RunsCommands
{
    private static readonly string[] s_runHeaders = { "RUN ID", "WORKFLOW", "STATUS", "CREATED", "UPDATED", "COMPLETED" };
    private static readonly string[] s_stepHeaders = { "STEP", "ITEM", "STATUS", "ATTEMPTS", "STARTED", "COMPLETED", "ERROR" };
    private static readonly string[] s_eventHeaders = { "AT", "KIND", "STEP", "DETAIL" };

    private const string Statuses = "pending, running, paused, waiting, succeeded, failed or cancelled";

    public static Command Runs(CliContext context)
    {
        var workflow = new Option<string?>("--workflow", "-w") { Description = "Only the runs of this workflow." };
        var status = new Option<string?>("--status", "-s") { Description = "Only the runs in this status: " + Statuses + "." };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many runs (newest first).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var command = new Command("runs", "List durable runs, newest first.") { workflow, status, limit, json, PurgeCommand.Create(context) };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(async () =>
        {
            var count = parse.GetValue(limit);
            if (count < 1)
            {
                throw new UsageException($"--limit {Format.Number(count)} is not a number of runs: give 1 or more.");
            }

            var query = new RunQuery(parse.GetValue(workflow), ParseStatus(parse.GetValue(status)), Limit: count);
            if (context.StoreFileMissing(parse))
            {
                await context.Error.WriteLineAsync($"No runs in {context.StoreName(parse)}: the file does not exist yet.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var provider = context.BuildProvider(parse, null, durable: false, readOnly: true);
            await using (provider.ConfigureAwait(false))
            {
                var runs = await new WorkflowRuns(provider.GetRequiredService<IWorkflowStore>(), context.Time).ListAsync(query, cancellationToken).ConfigureAwait(false);
                var waits = await WaitDisplay.WaitsAsync(provider.GetRequiredService<IWorkflowStore>(), runs, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(context.Out, w =>
                    {
                        w.WriteStartArray();
                        foreach (var run in runs)
                        {
                            WriteRun(w, run, waits.GetValueOrDefault(run.RunId));
                        }

                        w.WriteEndArray();
                    });
                }
                else if (runs.Count == 0)
                {
                    await context.Error.WriteLineAsync($"No runs in {context.StoreName(parse)}{(query.WorkflowName is null && query.Status is null ? "" : " match")}.").ConfigureAwait(false);
                }
                else
                {
                    TextTable.Write(
                        context.Out,
                        s_runHeaders,
                        runs.Select(r => (IReadOnlyList<string>)new[] { r.RunId, r.WorkflowName, WaitDisplay.Status(r, waits), Format.Time(r.CreatedAt), Format.Time(r.UpdatedAt), Format.Time(r.CompletedAt) }).ToList());
                }

                return ExitCodes.Success;
            }
        }, cancellationToken));
        return command;
    }

    public static Command Status(CliContext context)
    {
        var runId = RunIdArgument();
        var json = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var waitForEnd = new Option<bool>("--wait") { Description = "Wait until the run ends (run by any process), then print its outputs as JSON (or its error); the exit code is its final status's: 0 succeeded, 1 failed or cancelled." };
        var command = new Command("status", "Show one durable run: its record, steps and history.") { runId, json, waitForEnd };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(async () =>
        {
            var id = parse.GetValue(runId)!;
            if (context.StoreFileMissing(parse))
            {
                throw new UsageException($"No run '{id}' in {context.StoreName(parse)}. Run 'runs' to list the runs, or give the right file with --store: this one does not exist.");
            }

            var provider = context.BuildProvider(parse, null, durable: false, readOnly: true);
            await using (provider.ConfigureAwait(false))
            {
                if (parse.GetValue(waitForEnd))
                {
                    return await DetachedRun.WaitAsync(context, provider.GetRequiredService<IWorkflowStore>(), parse, id, cancellationToken).ConfigureAwait(false);
                }

                var details = await new WorkflowRuns(provider.GetRequiredService<IWorkflowStore>(), context.Time).GetAsync(id, cancellationToken).ConfigureAwait(false);
                if (details is null)
                {
                    await context.GetRunAsync(provider.GetRequiredService<IWorkflowStore>(), parse, id, cancellationToken).ConfigureAwait(false);
                    return ExitCodes.Usage; // not reached: the line above throws the usage error
                }

                var wait = await new WorkflowRuns(provider.GetRequiredService<IWorkflowStore>(), context.Time).GetWaitAsync(id, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(json))
                {
                    WriteDetailsJson(context, details, wait);
                }
                else
                {
                    WriteDetails(context, details, wait);
                }

                return ExitCodes.Success;
            }
        }, cancellationToken));
        return command;
    }

    public static Command Cancel(CliContext context)
        => Change(context, "cancel", "Cancel a durable run that has not finished: a running run's actions are cancelled at once by its process.", "cancelled", "running, pending, paused or waiting", (runs, id, ct) => runs.CancelAsync(id, ct));

    public static Command Pause(CliContext context)
        => Change(context, "pause", "Pause a durable run: a running run stops at its next step boundary (running steps finish), a pending or waiting one at once.", "paused", "running, pending or waiting", (runs, id, ct) => runs.PauseAsync(id, ct));

    private static Command Change(
        CliContext context, string name, string description, string done, string from, Func<WorkflowRuns, string, CancellationToken, ValueTask<bool>> change)
    {
        var runId = RunIdArgument();
        var command = new Command(name, description) { runId };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(async () =>
        {
            var id = parse.GetValue(runId)!;
            var provider = context.BuildProvider(parse, null, durable: false);
            await using (provider.ConfigureAwait(false))
            {
                var store = provider.GetRequiredService<IWorkflowStore>();
                if (await change(new WorkflowRuns(store, context.Time) { Actor = Actor() }, id, cancellationToken).ConfigureAwait(false))
                {
                    // A running run is changed by its own process: say what was asked, not what has not happened yet.
                    var now = await store.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
                    await context.Error.WriteLineAsync(now is { Status: RunStatus.Running, Requested: not null }
                        ? $"{name} requested for run {Format.Terminal(id)}: its process {(now.Requested == RunControl.Pause ? "stops it at the next step boundary" : "cancels its running steps")} within a second or so ('status {Format.Terminal(id)}' shows it)"
                        : $"{done} run {Format.Terminal(id)}").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var run = await context.GetRunAsync(store, parse, id, cancellationToken).ConfigureAwait(false);
                throw new RefusedException($"Run '{id}' is {Format.Status(run.Status)}: only {from} runs can be {done}.");
            }
        }, cancellationToken));
        return command;
    }

    /// <summary>Who steers, for the run's history: the user running the command.</summary>
    private static string? Actor()
    {
        var user = Environment.UserName;
        return string.IsNullOrWhiteSpace(user) ? null : Format.OneLine(user);
    }

    private static Argument<string> RunIdArgument() => new("run-id") { Description = "The run's id (see 'runs')." };

    private static RunStatus? ParseStatus(string? text)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var status in Enum.GetValues<RunStatus>())
        {
            if (string.Equals(status.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }

        throw new UsageException($"--status '{text}' is not a run status: use {Statuses}.");
    }

    private static void WriteRun(System.Text.Json.Utf8JsonWriter w, RunRecord run, RunWait? wait = null)
    {
        w.WriteStartObject();
        w.WriteString("runId", run.RunId);
        w.WriteString("workflow", run.WorkflowName);
        w.WriteString("status", Format.Status(run.Status));
        w.WriteString("createdAt", run.CreatedAt);
        w.WriteString("updatedAt", run.UpdatedAt);
        JsonOutput.WriteTime(w, "completedAt", run.CompletedAt);
        w.WriteString("error", run.Error);
        w.WriteString("owner", run.Owner);
        JsonOutput.WriteTime(w, "leaseUntil", run.LeaseUntil);
        w.WriteString("requested", run.Requested switch { RunControl.Pause => "pause", RunControl.Cancel => "cancel", _ => null });
        w.WriteString("definitionHash", run.DefinitionHash);
        w.WriteNumber("priority", run.Priority);
        w.WriteString("concurrencyKey", run.ConcurrencyKey);
        w.WriteBoolean("queuedForSlot", run.QueuedForSlot);
        JsonOutput.WriteEmbedded(w, "inputs", run.InputsJson);
        JsonOutput.WriteEmbedded(w, "outputs", run.OutputsJson);
        WaitDisplay.WriteJson(w, wait);
        w.WriteEndObject();
    }

    private static void WriteDetailsJson(CliContext context, RunDetails details, RunWait? wait)
    {
        JsonOutput.Write(context.Out, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("run");
            WriteRun(w, details.Run, wait);
            w.WriteStartArray("steps");
            foreach (var step in details.Steps)
            {
                w.WriteStartObject();
                w.WriteString("stepId", step.StepId);
                w.WriteNumber("itemIndex", step.ItemIndex);
                w.WriteString("status", step.Status.ToString().ToLowerInvariant());
                w.WriteNumber("attempts", step.Attempts);
                w.WriteString("startedAt", step.StartedAt);
                w.WriteString("completedAt", step.CompletedAt);
                w.WriteString("error", step.Error);
                JsonOutput.WriteEmbedded(w, "output", step.OutputJson);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("events");
            foreach (var runEvent in details.Events)
            {
                w.WriteStartObject();
                w.WriteNumber("sequence", runEvent.Sequence);
                w.WriteString("at", runEvent.At);
                w.WriteString("kind", runEvent.Kind);
                w.WriteString("stepId", runEvent.StepId);
                w.WriteString("detail", runEvent.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteDetails(CliContext context, RunDetails details, RunWait? wait)
    {
        var o = context.Out;
        var run = details.Run;
        o.WriteLine($"run:        {Format.Terminal(run.RunId)}");
        o.WriteLine($"workflow:   {Format.Terminal(run.WorkflowName)}");
        if (WorkflowVersions.Parse(run.WorkflowName) is { Version: > 1 } versioned)
        {
            o.WriteLine($"version:    {versioned.Version}");
        }

        o.WriteLine($"status:     {Format.Status(run.Status)}{(run.Requested is { } asked ? $" ({(asked == RunControl.Pause ? "pause" : "cancel")} requested)" : string.Empty)}");
        if (wait is not null)
        {
            o.WriteLine($"waiting:    {Format.Terminal(wait.Describe())}");
        }

        if (run.QueuedForSlot)
        {
            // Why a pending run does not start: its workflow's limits across runs (concurrency:, rate:).
            o.WriteLine($"queued:     for a slot within the workflow's limits{(run.ConcurrencyKey.Length > 0 ? $" (concurrency key {Format.Terminal(run.ConcurrencyKey)})" : string.Empty)}");
        }

        if (run.Priority != 0)
        {
            o.WriteLine($"priority:   {run.Priority}");
        }

        o.WriteLine($"created:    {Format.Time(run.CreatedAt)}");
        o.WriteLine($"updated:    {Format.Time(run.UpdatedAt)}");
        o.WriteLine($"completed:  {Format.Time(run.CompletedAt)}");
        if (run.Owner is not null)
        {
            o.WriteLine($"owner:      {Format.Terminal(run.Owner)} (lease until {Format.Time(run.LeaseUntil)})");
        }

        if (run.Error is not null)
        {
            o.WriteLine($"error:      {Format.OneLine(run.Error)}");
        }

        o.WriteLine($"inputs:     {Format.Terminal(run.InputsJson ?? "-")}");
        o.WriteLine($"outputs:    {Format.Terminal(run.OutputsJson ?? "-")}");

        o.WriteLine();
        o.WriteLine("steps:");
        if (details.Steps.Count == 0)
        {
            o.WriteLine("  (none recorded)");
        }
        else
        {
            TextTable.Write(
                new IndentedWriter(o),
                s_stepHeaders,
                details.Steps.Select(s => (IReadOnlyList<string>)new[]
                {
                    s.StepId, s.ItemIndex < 0 ? "-" : Format.Number(s.ItemIndex), s.Status.ToString().ToLowerInvariant(), Format.Number(s.Attempts),
                    Format.Time(s.StartedAt), Format.Time(s.CompletedAt), Format.OneLine(s.Error ?? string.Empty),
                }).ToList());
        }

        o.WriteLine();
        o.WriteLine("events:");
        if (details.Events.Count == 0)
        {
            o.WriteLine("  (none)");
        }
        else
        {
            TextTable.Write(
                new IndentedWriter(o),
                s_eventHeaders,
                details.Events.Select(e => (IReadOnlyList<string>)new[] { Format.Time(e.At), e.Kind, e.StepId ?? "-", Format.OneLine(e.Detail ?? string.Empty) }).ToList());
        }
    }

    /// <summary>Writes each line indented by two spaces (tables inside <c>status</c>).</summary>
    private sealed class IndentedWriter : System.IO.TextWriter
    {
        private readonly System.IO.TextWriter _inner;

        public IndentedWriter(System.IO.TextWriter inner) => _inner = inner;

        public override System.Text.Encoding Encoding => _inner.Encoding;

        public override void WriteLine(string? value) => _inner.WriteLine("  " + value);

        public override void Write(char value) => _inner.Write(value);
    }
}
