using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Workflows.Hosting;

namespace Workflows.AspNetCore;

/// <summary>The routes of the API: workflows, and starting them.</summary>
internal static partial class WorkflowEndpoints
{
    private static readonly char[] s_routeSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".ToCharArray();

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, RunBoard board, string prefix)
    {
        var settings = board.Settings;
        var group = endpoints.MapGroup(prefix);
        group.WithTags("Workflows");
        group.AddEndpointFilter(GuardAsync);

        var read = group.MapGroup(string.Empty);
        var steer = group.MapGroup(string.Empty);
        if (settings.ReadPolicy is { } readPolicy)
        {
            read.RequireAuthorization(readPolicy);
            steer.RequireAuthorization(readPolicy);
        }

        if (settings.SteeringPolicy is { } steeringPolicy)
        {
            steer.RequireAuthorization(steeringPolicy);
        }

        steer.AddEndpointFilter(SameOriginFilter.InvokeAsync);

        read.MapGet("/workflows", (HttpContext context) => ListWorkflows(board, context, prefix))
            .WithName("ListWorkflows").WithSummary("The workflows: name, description, durable, triggers.")
            .Produces<IReadOnlyList<WorkflowSummary>>();
        read.MapGet("/workflows/{name}", (string name, HttpContext context) => GetWorkflow(board, context, prefix, name))
            .WithName("GetWorkflow").WithSummary("One workflow: inputs, outputs, steps, batches, schedules, the graph.")
            .Produces<WorkflowDetail>().ProducesProblem(StatusCodes.Status404NotFound);

        // One route per workflow, so that the OpenAPI document shows each one's own inputs and outputs; the route with
        // a parameter answers names that are not workflows (404) and names a route cannot hold.
        foreach (var registration in board.Catalog.Registrations)
        {
            if (registration.Name.Length == 0 || registration.Name.Trim(s_routeSafe).Length != 0)
            {
                continue;
            }

            var name = registration.Name;
            steer.MapPost("/workflows/" + name + "/runs", (bool? wait, HttpContext context) => StartAsync(board, context, prefix, name, wait == true))
                .WithName("Start-" + name).WithSummary($"Starts a run of '{name}'.")
                .WithMetadata(new WorkflowEndpointMetadata(registration))
                .Produces<RunCreated>(StatusCodes.Status201Created)
                .ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        }

        steer.MapPost("/workflows/{name}/runs", (string name, bool? wait, HttpContext context) => StartAsync(board, context, prefix, name, wait == true))
            .WithName("StartRun").WithSummary("Starts a run of a workflow with its inputs as a JSON object.")
            .Produces<RunCreated>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        RunEndpoints.Map(read, steer, board, prefix);
        return group;
    }

    /// <summary>An exception a handler did not expect becomes a 500 problem without its message or stack trace (logged instead).</summary>
    private static async ValueTask<object?> GuardAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
#pragma warning disable CA1031 // Every unexpected failure is answered the same way: no internals in the response.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var logger = (context.HttpContext.RequestServices.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger("Workflows.AspNetCore");
            if (logger is not null)
            {
                Log.Unexpected(logger, exception, context.HttpContext.Request.Path);
            }

            return Problems.ServerError();
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<IReadOnlyList<WorkflowSummary>> ListWorkflows(RunBoard board, HttpContext context, string prefix)
    {
        var list = new List<WorkflowSummary>();
        foreach (var registration in board.Catalog.Registrations)
        {
            list.Add(new WorkflowSummary(registration.Name, registration.Descriptor.Description, registration.IsDurable, Triggers(registration),
                registration.Descriptor.Steps.Count, Url(context, prefix, "/workflows/" + Uri.EscapeDataString(registration.Name))));
        }

        return TypedResults.Json<IReadOnlyList<WorkflowSummary>>(list, WorkflowApiJsonContext.Default.IReadOnlyListWorkflowSummary);
    }

    private static List<string> Triggers(WorkflowRegistration registration)
    {
        var triggers = new List<string>();
        foreach (var schedule in registration.Schedules)
        {
            triggers.Add($"schedule: {schedule.Cron} ({schedule.TimeZone})");
        }

        return triggers;
    }

    private static IResult GetWorkflow(RunBoard board, HttpContext context, string prefix, string name)
    {
        if (!board.Catalog.TryGet(name, out var registration))
        {
            return UnknownWorkflow(board, name);
        }

        var descriptor = registration.Descriptor;
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var level = 0; level < descriptor.Batches.Count; level++)
        {
            foreach (var id in descriptor.Batches[level])
            {
                levels[id] = level;
            }
        }

        var steps = descriptor.Steps.Select(s => new StepInfo(s.Id, s.Action, s.DisplayName, s.DependsOn, levels.TryGetValue(s.Id, out var l) ? l : 0)).ToList();
        var schedules = registration.Schedules.Select(s => new ScheduleView(s.Cron, s.TimeZone, Next(s, board.Time))).ToList();
        var detail = new WorkflowDetail(registration.Name, descriptor.Description, registration.IsDurable, Parameters(registration.Inputs), Parameters(registration.Outputs),
            steps, descriptor.Batches, schedules, registration.Mermaid, Url(context, prefix, "/workflows/" + Uri.EscapeDataString(registration.Name) + "/runs"));
        return TypedResults.Json(detail, WorkflowApiJsonContext.Default.WorkflowDetail);
    }

    private static List<ParameterView> Parameters(IReadOnlyList<WorkflowParameter> parameters)
        => parameters.Select(p => new ParameterView(p.Name, p.Type, InputSchema.JsonType(p.Type), p.IsRequired, p.DefaultValue, p.Description)).ToList();

    private static DateTimeOffset? Next(Scheduling.WorkflowSchedule schedule, TimeProvider time)
    {
        try
        {
            return schedule.Expression.GetNextOccurrence(time.GetUtcNow(), schedule.Zone) is { } next ? TimeZoneInfo.ConvertTime(next, schedule.Zone) : null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static async Task<IResult> StartAsync(RunBoard board, HttpContext context, string prefix, string name, bool wait)
    {
        if (!board.Catalog.TryGet(name, out var registration))
        {
            return UnknownWorkflow(board, name);
        }

        if (registration.InvokeAsync is null)
        {
            return Problems.Conflict($"Workflow '{name}' cannot be started through the API: its registration has no InvokeAsync. Rebuild the app with a current Workflows generator.");
        }

        var (body, tooLarge) = await ReadBodyAsync(context, board.Settings.MaxRequestBodyBytes).ConfigureAwait(false);
        if (tooLarge)
        {
            return Problems.TooLarge(board.Settings.MaxRequestBodyBytes);
        }

        JsonElement inputs;
        try
        {
            using var document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            inputs = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return Problems.BadRequest($"The body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}): send the inputs as a JSON object.");
        }

        if (inputs.ValueKind != JsonValueKind.Object)
        {
            return Problems.BadRequest($"The body is a JSON {inputs.ValueKind.ToString().ToLowerInvariant()}: send the inputs as a JSON object, like {{\"name\": \"value\"}}.");
        }

        var errors = InputSchema.Check(registration, inputs);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, name);
        }

        TrackedRun run;
        try
        {
            run = board.Start(registration, new WorkflowInputValues(json: inputs), inputs.GetRawText());
        }
        catch (WorkflowInputException exception)
        {
            var field = exception.InputName ?? "inputs";
            return Problems.Invalid(new Dictionary<string, string[]> { [field] = [exception.Message] }, name);
        }

        var url = Url(context, prefix, "/runs/" + run.RunId);
        if (wait && run.Execution is { } execution)
        {
            try
            {
                await execution.WaitAsync(board.Settings.MaxWait, board.Time, context.RequestAborted).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Answered with the run's status now: the client follows its URL.
            }
        }

        context.Response.Headers.Location = url;
        var created = new RunCreated(run.RunId, name, run.Status, url,
            wait && run.Status == "succeeded" ? RunViews.Parse(run.OutputsJson) : null, wait ? run.Error : null);
        return TypedResults.Json(created, WorkflowApiJsonContext.Default.RunCreated, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The body, read up to <paramref name="max"/> bytes; a larger one is refused before it is read whole.</summary>
    internal static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpContext context, long max)
    {
        if (context.Request.ContentLength > max)
        {
            return (Array.Empty<byte>(), true);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > max)
                {
                    return (Array.Empty<byte>(), true);
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (Array.Empty<byte>(), true);
        }

        return (buffer.ToArray(), false);
    }

    public static IResult UnknownWorkflow(RunBoard board, string name)
    {
        var known = board.Catalog.Registrations.Count == 0 ? "This app has no workflows." : "Known: " + string.Join(", ", board.Catalog.Registrations.Select(r => r.Name)) + ".";
        return Problems.NotFound($"No workflow '{Excerpt(name)}'. {known}");
    }

    public static string Excerpt(string text) => text.Length <= 100 ? text : string.Concat(text.AsSpan(0, 100), "...");

    public static string Url(HttpContext context, string prefix, string path) => context.Request.PathBase + prefix + path;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Workflows API: {Path} failed")]
        public static partial void Unexpected(ILogger logger, Exception exception, string path);
    }
}
