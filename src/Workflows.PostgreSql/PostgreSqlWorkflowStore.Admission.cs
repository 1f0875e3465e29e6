using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using Workflows.Durability;

namespace Workflows.PostgreSql;

/// <summary>
/// Claims and admission: runs with limits across runs (<c>concurrency:</c>, <c>rate:</c>) or a priority are created
/// pending and admitted by a claim only within their limits. Claims in one schema take a transaction-scoped
/// advisory lock, so workers on many machines admit one after another and never past a limit; claiming the runs
/// that need no admission still skips rows other claimers hold (<c>FOR UPDATE SKIP LOCKED</c>).
/// </summary>
public sealed partial class PostgreSqlWorkflowStore
{
    // Every claim statement takes the same parameters: $1 pending, $2 running, $3 waiting, $4 paused, $5 now,
    // $6 max, $7 the workflow (null for all), $8 the run id (null for any), $9 the claiming owner (the final update
    // adds $10 the lease and $11 the chosen runs). A pending run may be reserved by the process that started it and
    // waits for its turn (an owner with a lease): only that process claims it until the lease ends.
    private const string Claimable =
        "((status = $1 AND (owner IS NULL OR owner = $9 OR lease_until <= $5)) OR (status = $2 AND (lease_until IS NULL OR lease_until <= $5)) OR (status = $3 AND wake_at <= $5))";

    private const string Queued = "(status = $1 AND admitted_at IS NULL AND (concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL))";

    private const string ClaimFilter = "($7::text IS NULL OR workflow = $7) AND ($8::text IS NULL OR run_id = $8)";

    /// <summary>
    /// Claims up to <paramref name="max"/> runs (of <paramref name="workflowName"/>, or only <paramref name="runId"/>):
    /// the claimable runs that need no admission and the queued runs their limits admit, highest priority first.
    /// </summary>
    private async ValueTask<List<RunRecord>> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, string? workflowName, string? runId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction))
        {
            Add(lockCommand, "workflows-store-admission:" + schemaName, NpgsqlDbType.Text);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var candidates = new List<ClaimCandidate>();
        var rates = new Dictionary<string, (int Count, long PeriodMs)>(StringComparer.Ordinal);
        await using (var ready = ClaimCommand(connection, transaction, owner, now, max, workflowName, runId,
            $"SELECT run_id, workflow, priority, created_at FROM {runs} WHERE {Claimable} AND NOT {Queued} AND {ClaimFilter} " +
            "ORDER BY priority DESC, created_at, run_id LIMIT $6 FOR UPDATE SKIP LOCKED"))
        {
            await using var reader = await ready.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add(new ClaimCandidate(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3), Queued: false));
            }
        }

        // Each concurrency group's queued runs in order, kept while they fit its free slots (its limit less its
        // admitted, unfinished runs). A run claimed by its id is admitted only if its group's order admits it now:
        // the window needs the whole group, so the id is filtered after it.
        await using (var queued = ClaimCommand(connection, transaction, owner, now, max, workflowName, runId,
            "SELECT q.run_id, q.workflow, q.priority, q.created_at, q.rate_limit, q.rate_period_ms FROM (" +
            "SELECT run_id, workflow, concurrency_key, concurrency_limit, rate_limit, rate_period_ms, priority, created_at, owner, lease_until, " +
            "row_number() OVER (PARTITION BY workflow, concurrency_key ORDER BY priority DESC, created_at, run_id) AS place " +
            $"FROM {runs} WHERE {Queued} AND ($7::text IS NULL OR workflow = $7)) AS q " +
            $"WHERE (q.concurrency_limit IS NULL OR q.place <= q.concurrency_limit - (SELECT count(*) FROM {runs} AS o " +
            "WHERE o.workflow = q.workflow AND o.concurrency_key = q.concurrency_key AND o.admitted_at IS NOT NULL " +
            "AND o.status IN ($1, $2, $3, $4))) AND (q.owner IS NULL OR q.owner = $9 OR q.lease_until <= $5) AND ($8::text IS NULL OR q.run_id = $8) " +
            "ORDER BY q.priority DESC, q.created_at, q.run_id LIMIT $6"))
        {
            await using var reader = await queued.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var workflow = reader.GetString(1);
                candidates.Add(new ClaimCandidate(reader.GetString(0), workflow, reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3), Queued: true));
                if (!reader.IsDBNull(4))
                {
                    rates[workflow] = (reader.GetInt32(4), reader.GetInt64(5));
                }
            }
        }

        var rateLeft = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (workflow, rate) in rates)
        {
            await using var recent = new NpgsqlCommand($"SELECT count(*) FROM {runs} WHERE workflow = $1 AND admitted_at > $2", connection, transaction);
            Add(recent, workflow, NpgsqlDbType.Text);
            Add(recent, (now - TimeSpan.FromMilliseconds(rate.PeriodMs)).ToUniversalTime(), NpgsqlDbType.TimestampTz);
            rateLeft[workflow] = rate.Count - (int)(long)(await recent.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var chosen = RunAdmissions.Choose(candidates, rateLeft, max);
        var claimed = new List<RunRecord>(chosen.Count);
        if (chosen.Count > 0)
        {
            await using var claim = ClaimCommand(connection, transaction, owner, now, max, workflowName: null, runId: null,
                $"UPDATE {runs} SET status = $2, owner = $9, lease_until = $10, updated_at = now(), admitted_at = COALESCE(admitted_at, $5) " +
                $"WHERE run_id = ANY($11) AND {Claimable} RETURNING {RunColumns}");
            Add(claim, leaseUntil.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(claim, System.Linq.Enumerable.ToArray(chosen), NpgsqlDbType.Array | NpgsqlDbType.Text);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(ReadRun(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < chosen.Count; i++)
        {
            order[chosen[i]] = i;
        }

        claimed.Sort((a, b) => order[a.RunId].CompareTo(order[b.RunId]));
        return claimed;
    }

    private static NpgsqlCommand ClaimCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, string owner, DateTimeOffset now, int max, string? workflowName, string? runId, string sql)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        Add(command, StatusText(RunStatus.Pending), NpgsqlDbType.Text);
        Add(command, StatusText(RunStatus.Running), NpgsqlDbType.Text);
        Add(command, StatusText(RunStatus.Waiting), NpgsqlDbType.Text);
        Add(command, StatusText(RunStatus.Paused), NpgsqlDbType.Text);
        Add(command, now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        Add(command, max, NpgsqlDbType.Integer);
        Add(command, workflowName, NpgsqlDbType.Text);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, owner, NpgsqlDbType.Text);
        return command;
    }

    /// <summary>Schema version 4: what admission needs on each run.</summary>
    private string AdmissionSchemaSql => $"""
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS concurrency_key text NOT NULL DEFAULT '';
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS concurrency_limit integer NULL;
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS rate_limit integer NULL;
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS rate_period_ms bigint NULL;
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS priority integer NOT NULL DEFAULT 0;
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS admitted_at timestamptz NULL;
        CREATE INDEX IF NOT EXISTS runs_slots ON {runs} (workflow, concurrency_key, status);
        CREATE INDEX IF NOT EXISTS runs_admitted ON {runs} (workflow, admitted_at)
        """;
}
