using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Workflows.Durability;

namespace Workflows.Sqlite;

/// <summary>
/// Waiting runs: the <c>signals</c> and <c>waits</c> tables and the <c>waiting_for</c>, <c>waiting_since</c> and
/// <c>wake_at</c> columns of <c>runs</c>. Every write that must see a concurrent one runs in <c>BEGIN IMMEDIATE</c>,
/// so sending a signal and a run starting to wait are ordered: one of them sees the other.
/// </summary>
public sealed partial class SqliteWorkflowStore
{
    /// <summary>Signal names in <c>waiting_for</c> are separated by newlines (names cannot hold one).</summary>
    private const char NameSeparator = '\n';

    /// <summary>Schema version 3: the tables and columns waiting needs.</summary>
    private const string SignalSchema = """
        CREATE TABLE signals (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            signal_id TEXT NOT NULL,
            name TEXT NOT NULL,
            payload TEXT NULL,
            sent_at INTEGER NOT NULL,
            consumed_by TEXT NULL);
        CREATE UNIQUE INDEX signals_id ON signals (run_id, signal_id);
        CREATE INDEX signals_pending ON signals (run_id, name, consumed_by);
        CREATE TABLE waits (
            run_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            signal TEXT NULL,
            since INTEGER NOT NULL,
            wake_at INTEGER NULL,
            PRIMARY KEY (run_id, step_id));
        ALTER TABLE runs ADD COLUMN waiting_for TEXT NULL;
        ALTER TABLE runs ADD COLUMN waiting_since INTEGER NULL;
        ALTER TABLE runs ADD COLUMN wake_at INTEGER NULL;
        CREATE INDEX runs_wake ON runs (status, wake_at)
        """;

    /// <inheritdoc />
    public async ValueTask<SignalDelivery> SendSignalAsync(NewSignal signal, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckSignal(signal);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        string? status = null;
        string? waitingFor = null;
        await using (var read = Command(connection, transaction, "SELECT status, waiting_for FROM runs WHERE run_id = $id"))
        {
            read.Parameters.AddWithValue("$id", signal.RunId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                status = reader.GetString(0);
                waitingFor = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        if (StoreConventions.RefuseSignal(status) is { } refused)
        {
            return refused;
        }

        await using (var insert = Command(connection, transaction,
            "INSERT INTO signals (run_id, signal_id, name, payload, sent_at) VALUES ($id, $signal, $name, $payload, $sent) ON CONFLICT (run_id, signal_id) DO NOTHING"))
        {
            insert.Parameters.AddWithValue("$id", signal.RunId);
            insert.Parameters.AddWithValue("$signal", signal.SignalId);
            insert.Parameters.AddWithValue("$name", signal.Name);
            insert.Parameters.AddWithValue("$payload", (object?)signal.PayloadJson ?? DBNull.Value);
            insert.Parameters.AddWithValue("$sent", signal.SentAt.ToUnixTimeMilliseconds());
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return SignalDelivery.Duplicate;
            }
        }

        if (StoreConventions.SignalWakes(status!, waitingFor?.Split(NameSeparator), signal.Name))
        {
            await using var wake = Command(connection, transaction,
                "UPDATE runs SET wake_at = CASE WHEN wake_at IS NULL OR wake_at > $now THEN $now ELSE wake_at END, updated_at = $now WHERE run_id = $id");
            wake.Parameters.AddWithValue("$now", signal.SentAt.ToUnixTimeMilliseconds());
            wake.Parameters.AddWithValue("$id", signal.RunId);
            await wake.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return SignalDelivery.Stored;
    }

    /// <inheritdoc />
    public async ValueTask<WaitRecord> BeginWaitAsync(string runId, string stepId, string? signalName, DateTimeOffset since, DateTimeOffset? wakeAt, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckBeginWait(runId, stepId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var insert = Command(connection, transaction,
            "INSERT INTO waits (run_id, step_id, signal, since, wake_at) VALUES ($id, $step, $signal, $since, $wake) ON CONFLICT (run_id, step_id) DO NOTHING"))
        {
            insert.Parameters.AddWithValue("$id", runId);
            insert.Parameters.AddWithValue("$step", stepId);
            insert.Parameters.AddWithValue("$signal", (object?)signalName ?? DBNull.Value);
            insert.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$wake", (object?)wakeAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        WaitRecord record;
        await using (var read = Command(connection, transaction, "SELECT signal, since, wake_at FROM waits WHERE run_id = $id AND step_id = $step"))
        {
            read.Parameters.AddWithValue("$id", runId);
            read.Parameters.AddWithValue("$step", stepId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            record = new WaitRecord(runId, stepId, reader.IsDBNull(0) ? null : reader.GetString(0), Time(reader.GetInt64(1)), reader.IsDBNull(2) ? null : Time(reader.GetInt64(2)));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    public async ValueTask<SignalConsumption> ConsumeSignalAsync(string runId, string owner, string signalName, StepRecord record, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckConsumeSignal(runId, owner, signalName, record);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (!await TouchOwnedRunAsync(connection, transaction, runId, owner, Now(), cancellationToken).ConfigureAwait(false))
        {
            return StoreConventions.LeaseLost();
        }

        // Recorded already (a late commit of an earlier execution): that consumption stands.
        await using (var done = Command(connection, transaction, "SELECT output FROM steps WHERE run_id = $id AND step_id = $step AND item_index = $item AND status = $succeeded"))
        {
            done.Parameters.AddWithValue("$id", runId);
            done.Parameters.AddWithValue("$step", record.StepId);
            done.Parameters.AddWithValue("$item", record.ItemIndex);
            done.Parameters.AddWithValue("$succeeded", StatusText(StepStatus.Succeeded));
            await using var reader = await done.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return StoreConventions.Consumed(reader.IsDBNull(0) ? null : reader.GetString(0));
            }
        }

        long sequence;
        string? payload;
        await using (var find = Command(connection, transaction,
            "SELECT sequence, payload FROM signals WHERE run_id = $id AND name = $name AND consumed_by IS NULL ORDER BY sequence LIMIT 1"))
        {
            find.Parameters.AddWithValue("$id", runId);
            find.Parameters.AddWithValue("$name", signalName);
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

        await using (var consume = Command(connection, transaction, "UPDATE signals SET consumed_by = $step WHERE sequence = $sequence"))
        {
            consume.Parameters.AddWithValue("$step", record.StepId);
            consume.Parameters.AddWithValue("$sequence", sequence);
            await consume.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var insert = Command(connection, transaction,
            "INSERT INTO steps (" + StepColumns + ", recorded) VALUES ($run, $step, $item, $signature, $attempts, $status, $output, NULL, $started, $completed, " +
            "(SELECT IFNULL(MAX(recorded), 0) + 1 FROM steps WHERE run_id = $run)) " +
            "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET signature = excluded.signature, attempts = excluded.attempts, status = excluded.status, " +
            "output = excluded.output, error = NULL, started_at = excluded.started_at, completed_at = excluded.completed_at"))
        {
            insert.Parameters.AddWithValue("$run", runId);
            insert.Parameters.AddWithValue("$step", record.StepId);
            insert.Parameters.AddWithValue("$item", record.ItemIndex);
            insert.Parameters.AddWithValue("$signature", record.Signature);
            insert.Parameters.AddWithValue("$attempts", record.Attempts);
            insert.Parameters.AddWithValue("$status", StatusText(StepStatus.Succeeded));
            insert.Parameters.AddWithValue("$output", (object?)payload ?? DBNull.Value);
            insert.Parameters.AddWithValue("$started", record.StartedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$completed", record.CompletedAt.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StoreConventions.Consumed(payload);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetWaitingAsync(string runId, string owner, RunWait wait, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        StoreConventions.CheckSetWaiting(runId, owner, wait);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var wakeAt = wait.WakeAt?.ToUnixTimeMilliseconds();
        if (wait.SignalNames.Count > 0)
        {
            // A signal sent after the step looked (and before this transaction) wakes the run at once.
            await using var pending = Command(connection, transaction, "");
            var names = new List<string>();
            for (var i = 0; i < wait.SignalNames.Count; i++)
            {
                names.Add("$n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                pending.Parameters.AddWithValue(names[i], wait.SignalNames[i]);
            }

            pending.CommandText = "SELECT 1 FROM signals WHERE run_id = $id AND consumed_by IS NULL AND name IN (" + string.Join(", ", names) + ") LIMIT 1";
            pending.Parameters.AddWithValue("$id", runId);
            if (await pending.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not (null or DBNull))
            {
                wakeAt = now.ToUnixTimeMilliseconds();
            }
        }

        await using var update = Command(connection, transaction,
            "UPDATE runs SET status = $waiting, owner = NULL, lease_until = NULL, waiting_for = $for, waiting_since = $since, wake_at = $wake, updated_at = $now " +
            "WHERE run_id = $id AND status = $running AND owner = $owner");
        update.Parameters.AddWithValue("$waiting", StatusText(RunStatus.Waiting));
        update.Parameters.AddWithValue("$for", wait.SignalNames.Count == 0 ? DBNull.Value : string.Join(NameSeparator, wait.SignalNames));
        update.Parameters.AddWithValue("$since", wait.Since.ToUnixTimeMilliseconds());
        update.Parameters.AddWithValue("$wake", (object?)wakeAt ?? DBNull.Value);
        update.Parameters.AddWithValue("$now", Now());
        update.Parameters.AddWithValue("$id", runId);
        update.Parameters.AddWithValue("$running", StatusText(RunStatus.Running));
        update.Parameters.AddWithValue("$owner", owner);
        if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<RunWait?> GetWaitAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT waiting_for, waiting_since, wake_at FROM runs WHERE run_id = $id AND waiting_since IS NOT NULL");
        command.Parameters.AddWithValue("$id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var names = reader.IsDBNull(0) ? Array.Empty<string>() : reader.GetString(0).Split(NameSeparator);
        return new RunWait(names, Time(reader.GetInt64(1)), reader.IsDBNull(2) ? null : Time(reader.GetInt64(2)));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SignalRecord>> GetSignalsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT run_id, name, signal_id, payload, sent_at, consumed_by FROM signals WHERE run_id = $id ORDER BY sequence");
        command.Parameters.AddWithValue("$id", runId);
        var signals = new List<SignalRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            signals.Add(new SignalRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                Time(reader.GetInt64(4)), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return signals;
    }
}
