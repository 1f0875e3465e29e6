using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using Workflows.Durability;

namespace Workflows.PostgreSql;

/// <summary>Group commit of step records: the calls that waited for a write share one transaction, so one commit.</summary>
public sealed partial class PostgreSqlWorkflowStore
{
    /// <summary>
    /// Records several runs' steps (one call per run) in one statement and one commit. Per call, exactly as alone: the
    /// run's row is locked and its lease checked (a lost lease: false, nothing written); its steps are inserted, and
    /// if one was already recorded the call gets false and its other steps are deleted again before the commit; the
    /// run's <c>updated_at</c> is set only for calls that were recorded.
    /// </summary>
    private async ValueTask WriteStepBatchAsync(IReadOnlyList<StepGroupCommit.Waiting> batch)
    {
        await EnsureSchemaAsync(CancellationToken.None).ConfigureAwait(false);
        var stepCount = 0;
        foreach (var waiting in batch)
        {
            stepCount += waiting.Steps.Count;
        }

        var callRuns = new string[batch.Count];
        var callOwners = new string[batch.Count];
        var callSteps = new int[batch.Count];
        var runIds = new string[stepCount];
        var stepIds = new string[stepCount];
        var items = new int[stepCount];
        var signatures = new string[stepCount];
        var attempts = new int[stepCount];
        var statuses = new string[stepCount];
        var outputs = new string?[stepCount];
        var errors = new string?[stepCount];
        var started = new DateTimeOffset[stepCount];
        var completed = new DateTimeOffset[stepCount];
        var n = 0;
        for (var c = 0; c < batch.Count; c++)
        {
            var waiting = batch[c];
            callRuns[c] = waiting.RunId;
            callOwners[c] = waiting.OwnerName;
            callSteps[c] = waiting.Steps.Count;
            foreach (var step in waiting.Steps)
            {
                runIds[n] = waiting.RunId;
                stepIds[n] = step.StepId;
                items[n] = step.ItemIndex;
                signatures[n] = step.Signature;
                attempts[n] = step.Attempts;
                statuses[n] = StatusText(step.Status);
                outputs[n] = step.OutputJson;
                errors[n] = step.Error;
                started[n] = step.StartedAt.ToUniversalTime();
                completed[n] = step.CompletedAt.ToUniversalTime();
                n++;
            }
        }

        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        var partial = new List<(string RunId, string StepId, int Item)>();

        // owned: the calls whose run this owner holds, locked (a claim or cancel waits for the commit), leases
        // checked on the locked rows. inserted: their steps, in call order. recorded: the calls all of whose
        // steps went in. The result: 'r' for each recorded run, 'p' for each step of a run that was not.
        await using (var write = new NpgsqlCommand(
            $"""
            WITH calls AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) AS c(run_id, owner, steps)),
            owned AS (
                SELECT r.run_id FROM {runs} r JOIN calls c ON r.run_id = c.run_id AND r.owner = c.owner
                WHERE r.lease_until > now()
                FOR UPDATE OF r),
            inserted AS (
                INSERT INTO {steps} AS t ({StepColumns})
                SELECT s.run_id, s.step_id, s.item_index, s.signature, s.attempts, s.status, s.output, s.error, s.started_at, s.completed_at
                FROM unnest($4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
                    WITH ORDINALITY AS s(run_id, step_id, item_index, signature, attempts, status, output, error, started_at, completed_at, position)
                WHERE s.run_id IN (SELECT run_id FROM owned)
                ORDER BY s.position
                ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET signature = excluded.signature, attempts = excluded.attempts,
                    status = excluded.status, output = excluded.output, error = excluded.error, started_at = excluded.started_at,
                    completed_at = excluded.completed_at
                    WHERE t.status NOT IN ('succeeded', 'compensated')
                RETURNING t.run_id, t.step_id, t.item_index),
            recorded AS (
                SELECT c.run_id FROM calls c JOIN owned o ON o.run_id = c.run_id
                WHERE c.steps = (SELECT count(*) FROM inserted i WHERE i.run_id = c.run_id)),
            touched AS (
                UPDATE {runs} r SET updated_at = now() FROM recorded d WHERE r.run_id = d.run_id
                RETURNING r.run_id)
            SELECT 'r', run_id, NULL::text, NULL::int FROM touched
            UNION ALL
            SELECT 'p', run_id, step_id, item_index FROM inserted WHERE run_id NOT IN (SELECT run_id FROM recorded)
            """, connection, transaction))
        {
            Add(write, callRuns, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, callOwners, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, callSteps, NpgsqlDbType.Array | NpgsqlDbType.Integer);
            Add(write, runIds, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, stepIds, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, items, NpgsqlDbType.Array | NpgsqlDbType.Integer);
            Add(write, signatures, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, attempts, NpgsqlDbType.Array | NpgsqlDbType.Integer);
            Add(write, statuses, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, outputs, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, errors, NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(write, started, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
            Add(write, completed, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz);
            await using var reader = await write.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (reader.GetString(0) == "r")
                {
                    accepted.Add(reader.GetString(1));
                }
                else
                {
                    partial.Add((reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
                }
            }
        }

        if (partial.Count > 0)
        {
            // A call with a step already recorded records none: its other steps go again, before anyone sees them.
            await using var undo = new NpgsqlCommand(
                $"DELETE FROM {steps} s USING unnest($1::text[], $2::text[], $3::int[]) AS d(run_id, step_id, item_index) " +
                "WHERE s.run_id = d.run_id AND s.step_id = d.step_id AND s.item_index = d.item_index", connection, transaction);
            Add(undo, partial.ConvertAll(p => p.RunId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(undo, partial.ConvertAll(p => p.StepId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(undo, partial.ConvertAll(p => p.Item).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
            await undo.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var waiting in batch)
        {
            waiting.Accepted = accepted.Contains(waiting.RunId);
        }
    }

    /// <summary>The group commit of step records (tests hold its writes with a gate).</summary>
    internal StepGroupCommit StepCommits => stepCommit;

    /// <summary>
    /// Step writes in flight at once: two, so that the batch that formed behind a write starts while that one waits
    /// for its commit's flush (with one, a lone write and the batch behind it took two flushes in a row).
    /// </summary>
    internal const int WritesInFlight = 2;

    /// <summary>The store's group commit: a lone call is written by <see cref="WriteStepsAsync"/>, waiting calls together.</summary>
    private sealed class StepCommit(PostgreSqlWorkflowStore store) : StepGroupCommit(WritesInFlight)
    {
        protected override ValueTask<bool> WriteOneAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
            => store.WriteStepsAsync(runId, owner, steps, cancellationToken);

        protected override ValueTask WriteManyAsync(IReadOnlyList<Waiting> batch) => store.WriteStepBatchAsync(batch);
    }
}
