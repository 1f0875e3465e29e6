using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using Workflows.Durability;

namespace Workflows.PostgreSql;

/// <summary>
/// Waiting runs: the <c>signals</c> and <c>waits</c> tables and the <c>waiting_for</c>, <c>waiting_since</c> and
/// <c>wake_at</c> columns of <c>runs</c>. Sending a signal and a run starting to wait both lock the run's row
/// first (<c>FOR UPDATE</c>), then look at the other table in a later statement, which sees what committed
/// before: one of the two always sees the other.
/// </summary>
public sealed partial class PostgreSqlWorkflowStore : IWorkflowSignalStore
{
    private string SignalsTable => "\"" + schemaName + "\".signals";

    private string WaitsTable => "\"" + schemaName + "\".waits";

    /// <summary>Schema version 3: the tables and columns waiting needs.</summary>
    private string SignalSchemaSql => $"""
        CREATE TABLE IF NOT EXISTS {SignalsTable} (
            sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id text NOT NULL,
            signal_id text NOT NULL,
            name text NOT NULL,
            payload text NULL,
            sent_at timestamptz NOT NULL,
            consumed_by text NULL,
            UNIQUE (run_id, signal_id));
        CREATE INDEX IF NOT EXISTS signals_pending ON {SignalsTable} (run_id, name) WHERE consumed_by IS NULL;
        CREATE TABLE IF NOT EXISTS {WaitsTable} (
            run_id text NOT NULL,
            step_id text NOT NULL,
            signal text NULL,
            since timestamptz NOT NULL,
            wake_at timestamptz NULL,
            PRIMARY KEY (run_id, step_id));
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS waiting_for text[] NULL;
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS waiting_since timestamptz NULL;
        ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS wake_at timestamptz NULL;
        CREATE INDEX IF NOT EXISTS runs_wake ON {runs} (status, wake_at)
        """;

    /// <inheritdoc />
    public async ValueTask<SignalDelivery> SendSignalAsync(NewSignal signal, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckSignal(signal);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string? status = null;
        string[]? waitingFor = null;
        await using (var read = new NpgsqlCommand($"SELECT status, waiting_for FROM {runs} WHERE run_id = $1 FOR UPDATE", connection, transaction))
        {
            Add(read.Parameters, signal.RunId, NpgsqlDbType.Text);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                status = reader.GetString(0);
                waitingFor = reader.IsDBNull(1) ? null : reader.GetFieldValue<string[]>(1);
            }
        }

        if (StoreConventions.RefuseSignal(status) is { } refused)
        {
            return refused;
        }

        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {SignalsTable} (run_id, signal_id, name, payload, sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, signal_id) DO NOTHING",
            connection, transaction))
        {
            Add(insert.Parameters, signal.RunId, NpgsqlDbType.Text);
            Add(insert.Parameters, signal.SignalId, NpgsqlDbType.Text);
            Add(insert.Parameters, signal.Name, NpgsqlDbType.Text);
            Add(insert.Parameters, signal.PayloadJson, NpgsqlDbType.Text);
            Add(insert.Parameters, signal.SentAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return SignalDelivery.Duplicate;
            }
        }

        if (StoreConventions.SignalWakes(status!, waitingFor, signal.Name))
        {
            await using var wake = new NpgsqlCommand(
                $"UPDATE {runs} SET wake_at = LEAST(COALESCE(wake_at, $1), $1), updated_at = now() WHERE run_id = $2", connection, transaction);
            Add(wake.Parameters, signal.SentAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(wake.Parameters, signal.RunId, NpgsqlDbType.Text);
            await wake.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return SignalDelivery.Stored;
    }

    /// <inheritdoc />
    public async ValueTask<WaitRecord> BeginWaitAsync(string runId, string stepId, string? signalName, DateTimeOffset since, DateTimeOffset? wakeAt, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckBeginWait(runId, stepId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {WaitsTable} (run_id, step_id, signal, since, wake_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, step_id) DO NOTHING", connection))
        {
            Add(insert.Parameters, runId, NpgsqlDbType.Text);
            Add(insert.Parameters, stepId, NpgsqlDbType.Text);
            Add(insert.Parameters, signalName, NpgsqlDbType.Text);
            Add(insert.Parameters, since.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(insert.Parameters, wakeAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var read = new NpgsqlCommand($"SELECT signal, since, wake_at FROM {WaitsTable} WHERE run_id = $1 AND step_id = $2", connection);
        Add(read.Parameters, runId, NpgsqlDbType.Text);
        Add(read.Parameters, stepId, NpgsqlDbType.Text);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new WaitRecord(runId, stepId, reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    /// <inheritdoc />
    public async ValueTask<SignalConsumption> ConsumeSignalAsync(string runId, string owner, string signalName, StepRecord record, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckConsumeSignal(runId, owner, signalName, record);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var touch = new NpgsqlCommand(
            $"UPDATE {runs} SET updated_at = now() WHERE run_id = $1 AND owner = $2 AND lease_until > now()", connection, transaction))
        {
            Add(touch.Parameters, runId, NpgsqlDbType.Text);
            Add(touch.Parameters, owner, NpgsqlDbType.Text);
            if (await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return StoreConventions.LeaseLost();
            }
        }

        // Recorded already (a late commit of an earlier execution): that consumption stands.
        await using (var done = new NpgsqlCommand(
            $"SELECT output FROM {steps} WHERE run_id = $1 AND step_id = $2 AND item_index = $3 AND status = $4", connection, transaction))
        {
            Add(done.Parameters, runId, NpgsqlDbType.Text);
            Add(done.Parameters, record.StepId, NpgsqlDbType.Text);
            Add(done.Parameters, record.ItemIndex, NpgsqlDbType.Integer);
            Add(done.Parameters, StatusText(StepStatus.Succeeded), NpgsqlDbType.Text);
            await using var reader = await done.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return StoreConventions.Consumed(reader.IsDBNull(0) ? null : reader.GetString(0));
            }
        }

        long sequence;
        string? payload;
        await using (var find = new NpgsqlCommand(
            $"SELECT sequence, payload FROM {SignalsTable} WHERE run_id = $1 AND name = $2 AND consumed_by IS NULL ORDER BY sequence LIMIT 1 FOR UPDATE",
            connection, transaction))
        {
            Add(find.Parameters, runId, NpgsqlDbType.Text);
            Add(find.Parameters, signalName, NpgsqlDbType.Text);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return StoreConventions.NoSignal();
            }

            sequence = reader.GetInt64(0);
            payload = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        await using (var consume = new NpgsqlCommand($"UPDATE {SignalsTable} SET consumed_by = $1 WHERE sequence = $2", connection, transaction))
        {
            Add(consume.Parameters, record.StepId, NpgsqlDbType.Text);
            Add(consume.Parameters, sequence, NpgsqlDbType.Bigint);
            await consume.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {steps} ({StepColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9) " +
            "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET signature = excluded.signature, attempts = excluded.attempts, status = excluded.status, " +
            "output = excluded.output, error = NULL, started_at = excluded.started_at, completed_at = excluded.completed_at",
            connection, transaction))
        {
            Add(insert.Parameters, runId, NpgsqlDbType.Text);
            Add(insert.Parameters, record.StepId, NpgsqlDbType.Text);
            Add(insert.Parameters, record.ItemIndex, NpgsqlDbType.Integer);
            Add(insert.Parameters, record.Signature, NpgsqlDbType.Text);
            Add(insert.Parameters, record.Attempts, NpgsqlDbType.Integer);
            Add(insert.Parameters, StatusText(StepStatus.Succeeded), NpgsqlDbType.Text);
            Add(insert.Parameters, payload, NpgsqlDbType.Text);
            Add(insert.Parameters, record.StartedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(insert.Parameters, record.CompletedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StoreConventions.Consumed(payload);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetWaitingAsync(string runId, string owner, RunWait wait, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckSetWaiting(runId, owner, wait);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockRun = new NpgsqlCommand($"SELECT 1 FROM {runs} WHERE run_id = $1 AND status = $2 AND owner = $3 FOR UPDATE", connection, transaction))
        {
            Add(lockRun.Parameters, runId, NpgsqlDbType.Text);
            Add(lockRun.Parameters, StatusText(RunStatus.Running), NpgsqlDbType.Text);
            Add(lockRun.Parameters, owner, NpgsqlDbType.Text);
            if (await lockRun.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null or DBNull)
            {
                return false;
            }
        }

        var wakeAt = wait.WakeAt;
        if (wait.SignalNames.Count > 0)
        {
            // A later statement: it sees a signal whose sender held the row lock before this transaction got it.
            await using var pending = new NpgsqlCommand(
                $"SELECT 1 FROM {SignalsTable} WHERE run_id = $1 AND consumed_by IS NULL AND name = ANY($2) LIMIT 1", connection, transaction);
            Add(pending.Parameters, runId, NpgsqlDbType.Text);
            Add(pending.Parameters, wait.SignalNames.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            if (await pending.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not (null or DBNull))
            {
                wakeAt = now;
            }
        }

        await using (var update = new NpgsqlCommand(
            $"UPDATE {runs} SET status = $1, owner = NULL, lease_until = NULL, waiting_for = $2, waiting_since = $3, wake_at = $4, updated_at = now() WHERE run_id = $5",
            connection, transaction))
        {
            Add(update.Parameters, StatusText(RunStatus.Waiting), NpgsqlDbType.Text);
            Add(update.Parameters, wait.SignalNames.Count == 0 ? null : wait.SignalNames.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            Add(update.Parameters, wait.Since.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(update.Parameters, wakeAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(update.Parameters, runId, NpgsqlDbType.Text);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<RunWait?> GetWaitAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"SELECT waiting_for, waiting_since, wake_at FROM {runs} WHERE run_id = $1 AND waiting_since IS NOT NULL");
        Add(command.Parameters, runId, NpgsqlDbType.Text);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var names = reader.IsDBNull(0) ? Array.Empty<string>() : reader.GetFieldValue<string[]>(0);
        return new RunWait(names, reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SignalRecord>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"SELECT run_id, name, signal_id, payload, sent_at, consumed_by FROM {SignalsTable} WHERE run_id = $1 ORDER BY sequence");
        Add(command.Parameters, runId, NpgsqlDbType.Text);
        var signals = new List<SignalRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            signals.Add(new SignalRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return signals;
    }
}
