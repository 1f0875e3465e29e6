using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Workflows.Durability;

namespace Workflows.Sqlite;

/// <summary>
/// Claims and admission: runs with limits across runs (<c>concurrency:</c>, <c>rate:</c>) or a priority are created
/// pending and admitted by a claim only within their limits. A claim is one <c>BEGIN IMMEDIATE</c> transaction, so
/// claims by several processes on one file are serialized and never admit past a limit.
/// </summary>
public sealed partial class SqliteWorkflowStore
{
    /// <summary>A run that may be claimed now (the store's clock passed as <c>$now</c>).</summary>
    /// A pending run may be reserved by the process that started it and waits for its turn (an owner with a lease):
    /// only that process claims it until the lease ends.
    private const string Claimable =
        "((status = $pending AND (owner IS NULL OR owner = $owner OR lease_until <= $now)) OR (status = $running AND (lease_until IS NULL OR lease_until <= $now)) OR (status = $waiting AND wake_at <= $now))";

    /// <summary>A pending run still to be admitted within its limits.</summary>
    private const string Queued = "(status = $pending AND admitted_at IS NULL AND (concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL))";

    /// <summary>
    /// Each concurrency group's queued runs in order, kept while they fit the group's free slots (its limit less its
    /// admitted, unfinished runs); rate-only runs are all kept (their rate is checked in <see cref="RunAdmissions.Choose"/>).
    /// </summary>
    private static string FittingQueued(string workflowFilter, string idFilter) =>
        "SELECT q.run_id, q.workflow, q.priority, q.created_at, q.rate_limit, q.rate_period_ms FROM (" +
        "SELECT run_id, workflow, concurrency_key, concurrency_limit, rate_limit, rate_period_ms, priority, created_at, owner, lease_until, " +
        "row_number() OVER (PARTITION BY workflow, concurrency_key ORDER BY priority DESC, created_at, run_id) AS place " +
        "FROM runs WHERE " + Queued + " " + workflowFilter + ") AS q " +
        "WHERE (q.concurrency_limit IS NULL OR q.place <= q.concurrency_limit - (SELECT count(*) FROM runs AS o " +
        "WHERE o.workflow = q.workflow AND o.concurrency_key = q.concurrency_key AND o.admitted_at IS NOT NULL " +
        "AND o.status IN ($pending, $running, $waiting, $paused))) AND (q.owner IS NULL OR q.owner = $owner OR q.lease_until <= $now) " + idFilter + " " +
        "ORDER BY q.priority DESC, q.created_at, q.run_id LIMIT $max";

    private async ValueTask<StartResult> StartQueuedRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, null,
            "INSERT INTO runs (run_id, workflow, definition_hash, status, inputs, created_at, updated_at, owner, lease_until, concurrency_key, concurrency_limit, rate_limit, rate_period_ms, priority) " +
            "VALUES ($id, $workflow, $hash, $pending, $inputs, $created, $created, $owner, $lease, $key, $limit, $rate, $period, $priority) " +
            "ON CONFLICT (run_id) DO NOTHING RETURNING " + RunColumns);
        insert.Parameters.AddWithValue("$id", run.RunId);
        insert.Parameters.AddWithValue("$workflow", run.WorkflowName);
        insert.Parameters.AddWithValue("$hash", run.DefinitionHash);
        insert.Parameters.AddWithValue("$pending", StatusText(RunStatus.Pending));
        insert.Parameters.AddWithValue("$inputs", (object?)run.InputsJson ?? DBNull.Value);
        insert.Parameters.AddWithValue("$created", run.CreatedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$owner", owner);
        insert.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$key", run.ConcurrencyKey);
        insert.Parameters.AddWithValue("$limit", (object?)run.Limits?.Concurrency ?? DBNull.Value);
        insert.Parameters.AddWithValue("$rate", (object?)run.Limits?.RateCount ?? DBNull.Value);
        insert.Parameters.AddWithValue("$period", run.Limits?.RatePeriod is { } period ? (long)period.TotalMilliseconds : DBNull.Value);
        insert.Parameters.AddWithValue("$priority", run.Priority);
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new StartResult(ReadRun(reader), Created: true);
            }
        }

        var existing = await ReadRunAsync(connection, null, run.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The run '{run.RunId}' vanished while it was being started.");
        return new StartResult(existing, Created: false);
    }

    /// <summary>
    /// Claims up to <paramref name="max"/> runs (of <paramref name="workflowName"/>, or only <paramref name="runId"/>):
    /// the claimable runs that need no admission and the queued runs their limits admit, highest priority first.
    /// </summary>
    private async ValueTask<List<RunRecord>> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, string? workflowName, string? runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        string filter = (workflowName is null ? "" : "AND workflow = $workflow ") + (runId is null ? "" : "AND run_id = $id ");
        var candidates = new List<ClaimCandidate>();
        var rates = new Dictionary<string, (int Count, long PeriodMs)>(StringComparer.Ordinal);

        await using (var ready = Command(connection, transaction,
            "SELECT run_id, workflow, priority, created_at FROM runs WHERE " + Claimable + " AND NOT " + Queued + " " + filter +
            "ORDER BY priority DESC, created_at, run_id LIMIT $max"))
        {
            AddClaimParameters(ready, owner, now, max, workflowName, runId);
            await using var reader = await ready.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(new ClaimCandidate(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), Time(reader.GetInt64(3)), Queued: false));
            }
        }

        // A run claimed by its id is admitted only if its group's order would admit it now: the window needs the
        // whole group, so the id is filtered after it.
        await using (var queued = Command(connection, transaction, FittingQueued(
            workflowName is null ? "" : "AND workflow = $workflow", runId is null ? "" : "AND q.run_id = $id")))
        {
            AddClaimParameters(queued, owner, now, max, workflowName, runId);
            await using var reader = await queued.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var workflow = reader.GetString(1);
                candidates.Add(new ClaimCandidate(reader.GetString(0), workflow, reader.GetInt32(2), Time(reader.GetInt64(3)), Queued: true));
                if (!reader.IsDBNull(4))
                {
                    rates[workflow] = (reader.GetInt32(4), reader.GetInt64(5));
                }
            }
        }

        var rateLeft = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (workflow, rate) in rates)
        {
            await using var recent = Command(connection, transaction, "SELECT count(*) FROM runs WHERE workflow = $workflow AND admitted_at > $since");
            recent.Parameters.AddWithValue("$workflow", workflow);
            recent.Parameters.AddWithValue("$since", now.ToUnixTimeMilliseconds() - rate.PeriodMs);
            rateLeft[workflow] = rate.Count - Convert.ToInt32(await recent.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var chosen = RunAdmissions.Choose(candidates, rateLeft, max);
        var claimed = new List<RunRecord>(chosen.Count);
        foreach (var id in chosen)
        {
            await using var claim = Command(connection, transaction,
                "UPDATE runs SET status = $running, owner = $owner, lease_until = $lease, updated_at = $updated, admitted_at = COALESCE(admitted_at, $now) " +
                "WHERE run_id = $id AND " + Claimable + " RETURNING " + RunColumns);
            AddClaimParameters(claim, owner, now, max, null, id);
            claim.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeMilliseconds());
            claim.Parameters.AddWithValue("$updated", Now());
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(ReadRun(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
    }

    private static void AddClaimParameters(SqliteCommand command, string owner, DateTimeOffset now, int max, string? workflowName, string? runId)
    {
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$pending", StatusText(RunStatus.Pending));
        command.Parameters.AddWithValue("$running", StatusText(RunStatus.Running));
        command.Parameters.AddWithValue("$waiting", StatusText(RunStatus.Waiting));
        command.Parameters.AddWithValue("$paused", StatusText(RunStatus.Paused));
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$max", max);
        if (workflowName is not null)
        {
            command.Parameters.AddWithValue("$workflow", workflowName);
        }

        if (runId is not null)
        {
            command.Parameters.AddWithValue("$id", runId);
        }
    }

    /// <summary>Schema version 4: what admission needs on each run.</summary>
    private const string AdmissionSchema = """
        ALTER TABLE runs ADD COLUMN concurrency_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN concurrency_limit INTEGER NULL;
        ALTER TABLE runs ADD COLUMN rate_limit INTEGER NULL;
        ALTER TABLE runs ADD COLUMN rate_period_ms INTEGER NULL;
        ALTER TABLE runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN admitted_at INTEGER NULL;
        CREATE INDEX IF NOT EXISTS runs_slots ON runs (workflow, concurrency_key, status);
        CREATE INDEX IF NOT EXISTS runs_admitted ON runs (workflow, admitted_at)
        """;
}
