using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Durability;
using Workflows.Hosting;

namespace Workflows.AspNetCore;

/// <summary>The routes of runs: list, show, steer (pause, resume, cancel, retry), and the live event stream.</summary>
internal static class RunEndpoints
{
    // Every status the store knows, so that a status added there can be filtered on at once.
    private static readonly string[] s_statuses = Array.ConvertAll(Enum.GetValues<RunStatus>(), RunViews.Status);

    public static void Map(RouteGroupBuilder read, RouteGroupBuilder steer, RunBoard board, string prefix)
    {
        read.MapGet("/runs", (string? workflow, string? status, int? limit, HttpContext context) => ListAsync(board, context, prefix, workflow, status, limit))
            .WithName("ListRuns").WithSummary("Runs, newest first; filter by workflow and status.")
            .Produces<IReadOnlyList<RunSummary>>().ProducesValidationProblem();
        read.MapGet("/runs/{id}", (string id, HttpContext context) => GetAsync(board, context, prefix, id))
            .WithName("GetRun").WithSummary("A run: status, progress, each step's status, attempts, times and error.")
            .Produces<RunView>().ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/runs/{id}/events", (string id, HttpContext context) => EventsAsync(board, context, prefix, id))
            .WithName("RunEvents").WithSummary("Server-Sent Events: the run as it changes ('run' events), until it ends ('end').")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);

        foreach (var verb in new[] { Verb.Pause, Verb.Resume, Verb.Cancel, Verb.Retry })
        {
            var name = verb.ToString().ToLowerInvariant();
            steer.MapPost("/runs/{id}/" + name, (string id, HttpContext context) => SteerAsync(board, context, prefix, id, verb))
                .WithName(verb + "Run").WithSummary(Summary(verb))
                .Produces<RunView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        }

        steer.MapPost("/runs/{id}/signals/{name}", (string id, string name, string? signalId, HttpContext context) => SignalAsync(board, context, prefix, id, name, signalId))
            .WithName("SignalRun").WithSummary("Delivers a signal (its payload as the JSON body) to a durable run; ?signalId= makes a resend idempotent.")
            .Produces<RunView>(StatusCodes.Status202Accepted).Produces<RunView>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// A signal: checked against the signal step of the run's workflow (the name, and the payload against its type) when
    /// this app has the workflow; stored once per signal id; 202 when it was sent (a run it woke continues here when
    /// the API continues runs in process), 200 when that signal id was sent before.
    /// </summary>
    private static async Task<IResult> SignalAsync(RunBoard board, HttpContext context, string prefix, string id, string name, string? signalId)
    {
        var cancellationToken = context.RequestAborted;
        var baseUrl = context.Request.PathBase + prefix;
        if (board.Runs is not { } runs || await runs.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } details)
        {
            return UnknownRun(id);
        }

        var (body, tooLarge) = await WorkflowEndpoints.ReadBodyAsync(context, board.Settings.MaxRequestBodyBytes).ConfigureAwait(false);
        if (tooLarge)
        {
            return Problems.TooLarge(board.Settings.MaxRequestBodyBytes);
        }

        var payload = body.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(body);
        WorkflowRegistration? registration = null;
        if (board.Catalog.TryGet(details.Run.WorkflowName, out var found))
        {
            registration = found;
            var signals = found.Descriptor.Signals;
            var signal = signals.FirstOrDefault(s => s.Name == name);
            if (signal is null)
            {
                return Problems.NotFound(signals.Count == 0
                    ? $"Workflow '{WorkflowEndpoints.Excerpt(details.Run.WorkflowName)}' waits for no signal."
                    : $"Workflow '{WorkflowEndpoints.Excerpt(details.Run.WorkflowName)}' has no signal '{WorkflowEndpoints.Excerpt(name)}'; its signals: {string.Join(", ", signals.Select(s => s.Name))}.");
            }

            if (signal.CheckPayload(payload) is { } problem)
            {
                return Problems.Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["payload"] = [Runtime.SecretRedactor.Redact(problem)] }, "Invalid signal payload", $"Signal '{name}' was not sent: its payload does not fit.");
            }
        }

        bool sent;
        try
        {
            sent = await runs.SignalAsync(id, name, payload, signalId, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowSignalRefusedException refused)
        {
            return Problems.Conflict(Runtime.SecretRedactor.Redact(refused.Message));
        }
        catch (ArgumentException invalid)
        {
            return Problems.BadRequest(Runtime.SecretRedactor.Redact(invalid.Message));
        }

        if (sent && registration is not null)
        {
            board.Continue(registration, id);
        }

        var view = await RunViews.GetAsync(board, id, baseUrl, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(view, WorkflowApiJsonContext.Default.RunView!, statusCode: sent ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);
    }

    private enum Verb
    {
        Pause,
        Resume,
        Cancel,
        Retry,
    }

    private static string Summary(Verb verb) => verb switch
    {
        Verb.Pause => "Pauses a durable run: a running run stops at its next step boundary (running steps finish), a pending or waiting one at once.",
        Verb.Resume => "Resumes a paused durable run.",
        Verb.Cancel => "Cancels a run that has not ended.",
        _ => "Retries a failed or cancelled durable run from the steps that did not complete.",
    };

    private static async Task<IResult> ListAsync(RunBoard board, HttpContext context, string prefix, string? workflow, string? status, int? limit)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (status is not null && Array.IndexOf(s_statuses, status.ToLowerInvariant()) < 0)
        {
            errors["status"] = [$"'{WorkflowEndpoints.Excerpt(status)}' is not a status: use one of {string.Join(", ", s_statuses)}."];
        }

        if (limit is < 1 or > 1000)
        {
            errors["limit"] = ["The limit must be from 1 to 1000."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "Invalid query", "The query is not valid.");
        }

        var runs = await RunViews.ListAsync(board, string.IsNullOrEmpty(workflow) ? null : workflow, string.IsNullOrEmpty(status) ? null : status, limit ?? 50,
            context.Request.PathBase + prefix, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json<IReadOnlyList<RunSummary>>(runs, WorkflowApiJsonContext.Default.IReadOnlyListRunSummary);
    }

    private static async Task<IResult> GetAsync(RunBoard board, HttpContext context, string prefix, string id)
    {
        var view = await RunViews.GetAsync(board, id, context.Request.PathBase + prefix, context.RequestAborted).ConfigureAwait(false);
        return view is null ? UnknownRun(id) : TypedResults.Json(view, WorkflowApiJsonContext.Default.RunView);
    }

    private static IResult UnknownRun(string id) => Problems.NotFound($"No run '{WorkflowEndpoints.Excerpt(id)}'. List the runs (GET /runs) to find its id.");

    private static async Task<IResult> SteerAsync(RunBoard board, HttpContext context, string prefix, string id, Verb verb)
    {
        var cancellationToken = context.RequestAborted;
        var baseUrl = context.Request.PathBase + prefix;
        var view = await RunViews.GetAsync(board, id, baseUrl, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return UnknownRun(id);
        }

        var what = verb.ToString().ToLowerInvariant();
        if (!view.Durable || board.Runs is not { } runs)
        {
            var tracked = board.Find(id);
            if (verb == Verb.Cancel && tracked is { IsFinal: false })
            {
                await tracked.Cancellation.CancelAsync().ConfigureAwait(false);
                return await Accepted(board, id, baseUrl, cancellationToken).ConfigureAwait(false);
            }

            return Problems.Conflict(verb == Verb.Cancel
                ? $"Run '{id}' is {view.Status}: only a run that has not ended can be cancelled."
                : $"Run '{id}' is not durable: only durable runs (a workflow with a json_context, and a store) can be {Past(verb)}. Start a new run instead.");
        }

        var done = verb switch
        {
            Verb.Pause => await runs.PauseAsync(id, cancellationToken).ConfigureAwait(false),
            Verb.Resume => await runs.ResumeAsync(id, cancellationToken).ConfigureAwait(false),
            Verb.Cancel => await runs.CancelAsync(id, cancellationToken).ConfigureAwait(false),
            _ => await runs.RetryAsync(id, cancellationToken).ConfigureAwait(false),
        };
        if (!done)
        {
            var now = await runs.GetAsync(id, cancellationToken).ConfigureAwait(false);
            var status = now is null ? view.Status : RunViews.Status(now.Run.Status);
            return Problems.Conflict($"Run '{id}' is {status}: {Rule(verb)}");
        }

        if (verb is Verb.Resume or Verb.Retry && board.Catalog.TryGet(view.Workflow, out var registration))
        {
            board.Continue(registration, id);
        }

        _ = what;
        return await Accepted(board, id, baseUrl, cancellationToken).ConfigureAwait(false);
    }

    private static string Past(Verb verb) => verb switch
    {
        Verb.Pause => "paused",
        Verb.Resume => "resumed",
        Verb.Cancel => "cancelled",
        _ => "retried",
    };

    private static string Rule(Verb verb) => verb switch
    {
        Verb.Pause => "only running, pending or waiting runs can be paused.",
        Verb.Resume => "only paused runs can be resumed.",
        Verb.Cancel => "only a run that has not ended can be cancelled.",
        _ => "only failed or cancelled runs can be retried.",
    };

    private static async Task<IResult> Accepted(RunBoard board, string id, string baseUrl, CancellationToken cancellationToken)
    {
        var view = await RunViews.GetAsync(board, id, baseUrl, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(view, WorkflowApiJsonContext.Default.RunView!, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> EventsAsync(RunBoard board, HttpContext context, string prefix, string id)
    {
        var baseUrl = context.Request.PathBase + prefix;
        var first = await RunViews.GetAsync(board, id, baseUrl, context.RequestAborted).ConfigureAwait(false);
        if (first is null)
        {
            return UnknownRun(id);
        }

        return TypedResults.ServerSentEvents(StreamAsync(board, id, baseUrl, first, context.RequestAborted));
    }

    /// <summary>
    /// The run as it changes: a <c>run</c> event with the whole run at each change (told by this process's observer, or
    /// found by polling the store for what another process does), until it ends; then <c>end</c>.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(RunBoard board, string id, string baseUrl, RunView first, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var view = first;
        string? last = null;
        while (true)
        {
            var changed = board.Find(id)?.Changed;
            var json = JsonSerializer.Serialize(view, WorkflowApiJsonContext.Default.RunView);
            if (json != last)
            {
                last = json;
                yield return new SseItem<string>(json, "run");
            }

            if (view.Status is "succeeded" or "failed" or "cancelled")
            {
                yield return new SseItem<string>(view.Status, "end");
                yield break;
            }

            var poll = Task.Delay(board.Settings.PollInterval, board.Time, cancellationToken);
            await (changed is null ? poll : Task.WhenAny(changed, poll)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            view = await RunViews.GetAsync(board, id, baseUrl, cancellationToken).ConfigureAwait(false) ?? view;
        }
    }
}
