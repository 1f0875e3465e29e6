using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;
using Workflows.Runtime;

namespace Workflows.AspNetCore;

/// <summary>Builds what the API shows of runs: from the store for durable runs, overlaid with what this process sees live.</summary>
internal static class RunViews
{
    public static async Task<RunView?> GetAsync(RunBoard board, string runId, string baseUrl, CancellationToken cancellationToken)
    {
        var tracked = board.Find(runId);
        RunDetails? stored = null;
        if (board.Runs is { } runs && (tracked is null || tracked.Durable))
        {
            stored = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        if (stored is null)
        {
            return tracked is null ? null : FromTracked(board, tracked);
        }

        var view = FromStore(board, stored, tracked);
        if (stored.Run.Status == RunStatus.Waiting && board.Runs is { } store && await store.GetWaitAsync(runId, cancellationToken).ConfigureAwait(false) is { } wait)
        {
            view = view with { WaitingFor = wait.Describe(), Signals = wait.SignalNames };
        }
        else if (stored.Run.QueuedForSlot)
        {
            // A pending run held back by its workflow's limits across runs (concurrency:, rate:).
            view = view with { WaitingFor = "a slot within the workflow's limits" + (stored.Run.ConcurrencyKey.Length > 0 ? $" (concurrency key '{stored.Run.ConcurrencyKey}')" : string.Empty) };
        }

        return view;
    }

    private static RunView FromTracked(RunBoard board, TrackedRun run)
    {
        var steps = run.Steps();
        return Build(board, run.Registration.Name, run.RunId, run.Status, run.Durable, run.CreatedAt, run.UpdatedAt, run.CompletedAt, steps,
            run.InputsJson, run.OutputsJson, run.Error, run.Events());
    }

    private static RunView FromStore(RunBoard board, RunDetails details, TrackedRun? tracked)
    {
        var run = details.Run;
        var steps = tracked?.Steps() ?? new Dictionary<string, StepView>(StringComparer.Ordinal);

        // The store's records are what happened for good; items of a foreach step are folded into one step.
        var folded = new Dictionary<string, StepView>(StringComparer.Ordinal);
        foreach (var record in details.Steps)
        {
            var status = record.Status.ToString().ToLowerInvariant();
            var error = record.Error is null ? null : SecretRedactor.Redact(record.Error);
            if (folded.TryGetValue(record.StepId, out var seen))
            {
                folded[record.StepId] = seen with
                {
                    Status = seen.Status == "failed" || status == "failed" ? "failed" : seen.Status,
                    Attempts = Math.Max(seen.Attempts, record.Attempts),
                    StartedAt = seen.StartedAt < record.StartedAt ? seen.StartedAt : record.StartedAt,
                    CompletedAt = seen.CompletedAt > record.CompletedAt ? seen.CompletedAt : record.CompletedAt,
                    Error = seen.Error ?? error,
                    Items = seen.Items + (record.ItemIndex >= 0 ? 1 : 0),
                };
            }
            else
            {
                folded[record.StepId] = new StepView(record.StepId, status, record.Attempts, record.StartedAt, record.CompletedAt, error, record.ItemIndex >= 0 ? 1 : 0);
            }
        }

        foreach (var pair in folded)
        {
            // A step running again after a retry is live here, not what the store recorded of its failed attempt.
            if (!steps.TryGetValue(pair.Key, out var live))
            {
                steps[pair.Key] = pair.Value;
            }
            else if (!(live.Status is "running" or "retrying" && run.Status == RunStatus.Running))
            {
                // The store's outcome, with the start this process saw (a record is written when the step ends).
                steps[pair.Key] = pair.Value with { StartedAt = live.StartedAt is { } started && started < pair.Value.StartedAt ? started : pair.Value.StartedAt };
            }
        }

        var events = new List<EventView>();
        foreach (var entry in details.Events)
        {
            events.Add(new EventView(entry.At, entry.Kind, entry.StepId, entry.Detail is null ? null : SecretRedactor.Redact(entry.Detail)));
        }

        if (tracked is not null)
        {
            events.AddRange(tracked.Events());
            events.Sort(static (a, b) => a.At.CompareTo(b.At));
        }

        var registration = board.Catalog.TryGet(run.WorkflowName, out var found) ? found : null;
        var runError = run.Error is null ? null : SecretRedactor.Redact(run.Error);
        return Build(board, run.WorkflowName, run.RunId, Status(run.Status), durable: true, run.CreatedAt, Later(run.UpdatedAt, tracked?.UpdatedAt), run.CompletedAt, steps,
            run.InputsJson, run.OutputsJson, runError, events, registration?.Descriptor);
    }

    private static RunView Build(
        RunBoard board, string workflow, string runId, string status, bool durable, DateTimeOffset createdAt, DateTimeOffset updatedAt, DateTimeOffset? completedAt,
        Dictionary<string, StepView> steps, string? inputsJson, string? outputsJson, string? error, List<EventView> events, WorkflowDescriptor? descriptor = null)
    {
        descriptor ??= board.Catalog.TryGet(workflow, out var registration) ? registration.Descriptor : null;
        var ordered = new List<StepView>();
        var running = new List<string>();
        var done = 0;
        if (descriptor is not null)
        {
            foreach (var step in descriptor.Steps)
            {
                ordered.Add(steps.TryGetValue(step.Id, out var view) ? view : new StepView(step.Id, "waiting", 0, null, null, null, 0));
            }
        }
        else
        {
            ordered.AddRange(steps.Values);
        }

        foreach (var step in ordered)
        {
            if (step.Status is "succeeded" or "failed" or "skipped" or "compensated")
            {
                done++;
            }
            else if (step.Status is "running" or "retrying")
            {
                running.Add(step.Id);
            }
        }

        var total = ordered.Count;
        var progress = new RunProgress(done, total, total == 0 ? 100 : Math.Round(100.0 * done / total, 1));
        string? waitingFor = status switch
        {
            "pending" => "an owner: a process of the app (serve, a host) to continue it",
            "paused" => "a resume",
            _ => null,
        };
        return new RunView(runId, workflow, status, durable, createdAt, updatedAt, completedAt, progress, running, ordered,
            Parse(SecretRedactor.RedactJson(inputsJson)), Parse(SecretRedactor.RedactJson(outputsJson)), error, waitingFor, events);
    }

    public static string Status(RunStatus status) => status.ToString().ToLowerInvariant();

    public static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;

    /// <summary>Runs for <c>GET /runs</c>: the store's, and those not durable remembered here, newest first.</summary>
    public static async Task<List<RunSummary>> ListAsync(RunBoard board, string? workflow, string? status, int limit, string baseUrl, CancellationToken cancellationToken)
    {
        var list = new List<RunSummary>();
        if (board.Runs is { } runs)
        {
            RunStatus? wanted = status is null ? null : Enum.Parse<RunStatus>(status, ignoreCase: true);
            foreach (var run in await runs.ListAsync(new RunQuery(workflow, wanted, Limit: limit), cancellationToken).ConfigureAwait(false))
            {
                list.Add(new RunSummary(run.RunId, run.WorkflowName, Status(run.Status), true, run.CreatedAt, run.CompletedAt,
                    run.Error is null ? null : SecretRedactor.Redact(run.Error), baseUrl + "/runs/" + Uri.EscapeDataString(run.RunId)));
            }
        }

        foreach (var run in board.Remembered())
        {
            if (run.Durable || (workflow is not null && run.Registration.Name != workflow) || (status is not null && !string.Equals(run.Status, status, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            list.Add(new RunSummary(run.RunId, run.Registration.Name, run.Status, false, run.CreatedAt, run.CompletedAt, run.Error, baseUrl + "/runs/" + run.RunId));
        }

        list.Sort(static (a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
        if (list.Count > limit)
        {
            list.RemoveRange(limit, list.Count - limit);
        }

        return list;
    }
}
