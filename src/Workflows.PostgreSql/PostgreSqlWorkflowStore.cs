using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using Workflows.Durability;

namespace Workflows.PostgreSql;

/// <summary>
/// The shared durable-run store: PostgreSQL, for several processes or machines that share the work. Runs are
/// claimed with <c>SELECT ... FOR UPDATE SKIP LOCKED</c>, so two processes never claim the same run.
/// </summary>
/// <remarks>
/// <para>
/// The schema (default <c>workflows</c>, with tables <c>runs</c>, <c>steps</c>, <c>events</c> and
/// <c>schema_version</c>) is created on first use. Leases are checked against the database's clock
/// (<c>now()</c>), so the processes' clocks need not agree, except in <see cref="ClaimRunsAsync"/>, which takes
/// the time from its caller. <see cref="RunQuery.CreatedAfter"/> is inclusive and <see cref="RunQuery.CreatedBefore"/>
/// exclusive. Times keep PostgreSQL's precision (microseconds).
/// </para>
/// </remarks>
public sealed partial class PostgreSqlWorkflowStore : IWorkflowStore, IAsyncDisposable, IDisposable
{
    private const int SchemaVersion = 4;

    private const string RunColumns =
        "run_id, workflow, definition_hash, status, inputs, outputs, error, created_at, updated_at, completed_at, owner, lease_until, control, " +
        "priority, concurrency_key, (status = 'pending' AND admitted_at IS NULL AND (concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL)) AS queued";

    private const string StepColumns =
        "run_id, step_id, item_index, signature, attempts, status, output, error, started_at, completed_at";

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;
    private readonly string schemaName;
    private readonly string runs;
    private readonly string steps;
    private readonly string events;
    private readonly object initializeGate = new();
    private readonly StepCommit stepCommit;
    private Task? initializing;

    /// <summary>A store on a data source the caller owns (and disposes).</summary>
    /// <param name="dataSource">Where to connect.</param>
    /// <param name="schema">The schema of the store's tables; created when missing. Letters, digits and underscores.</param>
    public PostgreSqlWorkflowStore(NpgsqlDataSource dataSource, string schema = "workflows")
        : this(dataSource, schema, ownsDataSource: false)
    {
    }

    /// <summary>A store on its own data source, built from <paramref name="connectionString"/> and disposed with the store.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The schema of the store's tables; created when missing. Letters, digits and underscores.</param>
    public PostgreSqlWorkflowStore(string connectionString, string schema = "workflows")
        : this(NpgsqlDataSource.Create(connectionString), schema, ownsDataSource: true)
    {
    }

    private PostgreSqlWorkflowStore(NpgsqlDataSource dataSource, string schema, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(schema);
        if (!Identifier().IsMatch(schema))
        {
            if (ownsDataSource)
            {
                dataSource.Dispose();
            }

            throw new ArgumentException($"'{schema}' is not a schema name this store accepts: letters, digits and underscores, not starting with a digit.", nameof(schema));
        }

        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        schemaName = schema;
        string quoted = "\"" + schema + "\"";
        runs = quoted + ".runs";
        steps = quoted + ".steps";
        events = quoted + ".events";
        stepCommit = new StepCommit(this);
    }

    /// <summary>The schema of the store's tables.</summary>
    public string Schema => schemaName;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    /// <inheritdoc />
    public async ValueTask<StartResult> StartRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        // A queued run (limits or a priority) is created pending, reserved for its starter, for a claim to admit.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {runs} (run_id, workflow, definition_hash, status, inputs, created_at, updated_at, owner, lease_until, " +
            "concurrency_key, concurrency_limit, rate_limit, rate_period_ms, priority) VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9, $10, $11, $12, $13) " +
            $"ON CONFLICT (run_id) DO NOTHING RETURNING {RunColumns}", connection))
        {
            Add(insert, run.RunId, NpgsqlDbType.Text);
            Add(insert, run.WorkflowName, NpgsqlDbType.Text);
            Add(insert, run.DefinitionHash, NpgsqlDbType.Text);
            Add(insert, StatusText(run.IsQueued ? RunStatus.Pending : RunStatus.Running), NpgsqlDbType.Text);
            Add(insert, run.InputsJson, NpgsqlDbType.Text);
            Add(insert, run.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(insert, owner, NpgsqlDbType.Text);
            Add(insert, leaseUntil.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(insert, run.ConcurrencyKey, NpgsqlDbType.Text);
            Add(insert, run.Limits?.Concurrency, NpgsqlDbType.Integer);
            Add(insert, run.Limits?.RateCount, NpgsqlDbType.Integer);
            Add(insert, run.Limits?.RatePeriod is { } period ? (long)period.TotalMilliseconds : null, NpgsqlDbType.Bigint);
            Add(insert, run.Priority, NpgsqlDbType.Integer);
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new StartResult(ReadRun(reader), Created: true);
            }
        }

        var existing = await ReadRunAsync(connection, run.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The run '{run.RunId}' vanished while it was being started.");
        return new StartResult(existing, Created: false);
    }

    /// <inheritdoc />
    public async ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRunAsync(connection, runId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"SELECT {StepColumns} FROM {steps} WHERE run_id = $1 ORDER BY seq");
        Add(command, runId, NpgsqlDbType.Text);
        var records = new List<StepRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new StepRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetInt32(4),
                ParseStepStatus(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return records;
    }

    /// <inheritdoc />
    /// <remarks>
    /// All or nothing: when one of <paramref name="steps"/> already has a final record, none is written, and the result is false.
    /// Calls made while another is being written share the next transaction, and so its commit (group commit), each
    /// keeping its own result.
    /// </remarks>
    public ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        StoreConventions.CheckStepsBelongTo(runId, steps);

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        return stepCommit.RecordAsync(runId, owner, steps, cancellationToken);
    }

    /// <summary>One call's steps in a transaction of their own (the group commit's write when nothing else waits).</summary>
    private async ValueTask<bool> WriteStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The run's row lock first: a concurrent claim skips the run, a concurrent cancel waits for this commit.
        await using (var touch = new NpgsqlCommand(
            $"UPDATE {runs} SET updated_at = now() WHERE run_id = $1 AND owner = $2 AND lease_until > now()", connection, transaction))
        {
            Add(touch, runId, NpgsqlDbType.Text);
            Add(touch, owner, NpgsqlDbType.Text);
            if (await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        if (steps.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            string insert = $"INSERT INTO {this.steps} ({StepColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) " +
                "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET signature = excluded.signature, attempts = excluded.attempts, status = excluded.status, " +
                "output = excluded.output, error = excluded.error, started_at = excluded.started_at, completed_at = excluded.completed_at " +
                $"WHERE {this.steps}.status NOT IN ('succeeded', 'compensated')";
            foreach (var step in steps)
            {
                var command = new NpgsqlBatchCommand(insert);
                Add(command.Parameters, runId, NpgsqlDbType.Text);
                Add(command.Parameters, step.StepId, NpgsqlDbType.Text);
                Add(command.Parameters, step.ItemIndex, NpgsqlDbType.Integer);
                Add(command.Parameters, step.Signature, NpgsqlDbType.Text);
                Add(command.Parameters, step.Attempts, NpgsqlDbType.Integer);
                Add(command.Parameters, StatusText(step.Status), NpgsqlDbType.Text);
                Add(command.Parameters, step.OutputJson, NpgsqlDbType.Text);
                Add(command.Parameters, step.Error, NpgsqlDbType.Text);
                Add(command.Parameters, step.StartedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                Add(command.Parameters, step.CompletedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var command in batch.BatchCommands)
            {
                if (command.RecordsAffected != 1)
                {
                    // Already recorded: roll back (on dispose), nothing changes.
                    return false;
                }
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> CompleteRunAsync(string runId, string owner, RunStatus status, string? outputsJson, string? errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (!IsFinal(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run completes as Succeeded, Failed or Cancelled.");
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(
            $"UPDATE {runs} SET status = $1, outputs = $2, error = $3, completed_at = now(), updated_at = now(), owner = NULL, lease_until = NULL, control = NULL " +
            "WHERE run_id = $4 AND status = $5 AND owner = $6 AND lease_until > now()");
        Add(command, StatusText(status), NpgsqlDbType.Text);
        Add(command, outputsJson, NpgsqlDbType.Text);
        Add(command, errorMessage, NpgsqlDbType.Text);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, StatusText(RunStatus.Running), NpgsqlDbType.Text);
        Add(command, owner, NpgsqlDbType.Text);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseRunAsync(string runId, string owner, RunStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        StoreConventions.CheckReleaseStatus(status);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(
            $"UPDATE {runs} SET status = $1, updated_at = now(), owner = NULL, lease_until = NULL" +
            (status == RunStatus.Paused ? ", control = NULL" : "") +
            " WHERE run_id = $2 AND status = $3 AND owner = $4 AND lease_until > now()");
        Add(command, StatusText(status), NpgsqlDbType.Text);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, StatusText(RunStatus.Running), NpgsqlDbType.Text);
        Add(command, owner, NpgsqlDbType.Text);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RequestAsync(string runId, RunControl? control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(
            $"UPDATE {runs} SET control = $1, updated_at = now() WHERE run_id = $2 AND status = $3 AND " +
            control switch
            {
                null => "control = 'pause'",
                RunControl.Pause => "(control IS NULL OR control = 'pause')",
                _ => "TRUE",
            });
        Add(command, StoreConventions.Text(control), NpgsqlDbType.Text);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, StatusText(RunStatus.Running), NpgsqlDbType.Text);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RenewLeaseAsync(string runId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"UPDATE {runs} SET lease_until = $1, updated_at = now() WHERE run_id = $2 AND owner = $3");
        Add(command, leaseUntil.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, owner, NpgsqlDbType.Text);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    /// <remarks>Higher priorities are claimed first, then the oldest runs. A lease that ends exactly at <paramref name="now"/> has expired.</remarks>
    public async ValueTask<IReadOnlyList<RunRecord>> ClaimRunsAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, string? workflowName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return Array.Empty<RunRecord>();
        }

        return await ClaimAsync(owner, now, leaseUntil, max, workflowName, runId: null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<RunRecord?> TryClaimRunAsync(string runId, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claimed = await ClaimAsync(owner, now, leaseUntil, 1, workflowName: null, runId, cancellationToken).ConfigureAwait(false);
        return claimed.Count == 1 ? claimed[0] : null;
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetStatusAsync(string runId, RunStatus status, IReadOnlyList<RunStatus> from, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(from);
        if (from.Count == 0)
        {
            return false;
        }

        var fromText = new string[from.Count];
        for (int i = 0; i < fromText.Length; i++)
        {
            fromText[i] = StatusText(from[i]);
        }

        bool release = status is RunStatus.Pending or RunStatus.Paused || IsFinal(status);
        string completedAt = IsFinal(status) ? "now()" : status == RunStatus.Pending ? "NULL" : "completed_at";
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(
            $"UPDATE {runs} SET status = $1, updated_at = now(), completed_at = {completedAt}" +
            // A finished run gave its slot back: retried, it queues for admission again.
            ", admitted_at = CASE WHEN status IN ('succeeded', 'failed', 'cancelled') THEN NULL ELSE admitted_at END" +
            (release ? ", owner = NULL, lease_until = NULL, control = NULL" : "") +
            " WHERE run_id = $2 AND status = ANY($3)");
        Add(command, StatusText(status), NpgsqlDbType.Text);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, fromText, NpgsqlDbType.Array | NpgsqlDbType.Text);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask DeleteFailedStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"DELETE FROM {steps} WHERE run_id = $1 AND status IN ($2, $3)");
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, StatusText(StepStatus.Failed), NpgsqlDbType.Text);
        Add(command, StatusText(StepStatus.Compensated), NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        // A retried run waits afresh: its signal steps' timeouts count from the retry.
        await using var waits = dataSource.CreateCommand($"DELETE FROM {WaitsTable} WHERE run_id = $1");
        Add(waits, runId, NpgsqlDbType.Text);
        await waits.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask MarkCompensatedAsync(string runId, string stepId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(stepId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"UPDATE {steps} SET status = $1 WHERE run_id = $2 AND step_id = $3 AND status = $4");
        Add(command, StatusText(StepStatus.Compensated), NpgsqlDbType.Text);
        Add(command, runId, NpgsqlDbType.Text);
        Add(command, stepId, NpgsqlDbType.Text);
        Add(command, StatusText(StepStatus.Succeeded), NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand();
        var where = new List<string>();
        if (query.WorkflowName is not null)
        {
            Add(command, query.WorkflowName, NpgsqlDbType.Text);
            where.Add("workflow = " + Position(command));
        }

        if (query.Status is { } status)
        {
            Add(command, StatusText(status), NpgsqlDbType.Text);
            where.Add("status = " + Position(command));
        }

        if (query.CreatedAfter is { } after)
        {
            Add(command, after.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            where.Add("created_at >= " + Position(command));
        }

        if (query.CreatedBefore is { } before)
        {
            Add(command, before.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            where.Add("created_at < " + Position(command));
        }

        Add(command, query.Limit, NpgsqlDbType.Integer);
        command.CommandText = $"SELECT {RunColumns} FROM {runs}" +
            (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) +
            " ORDER BY created_at DESC, run_id DESC LIMIT " + Position(command);
        var found = new List<RunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(ReadRun(reader));
        }

        return found;
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeRunsAsync(PurgeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statuses = query.Statuses.Select(StatusText).ToArray();
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var purged = $"SELECT run_id FROM {runs} WHERE completed_at < $1 AND status = ANY($2)" + (query.WorkflowName is null ? "" : " AND workflow = $3");
        var deleted = 0;
        foreach (var sql in new[] { $"DELETE FROM {steps} WHERE run_id IN ({purged})", $"DELETE FROM {SignalsTable} WHERE run_id IN ({purged})", $"DELETE FROM {WaitsTable} WHERE run_id IN ({purged})", $"DELETE FROM {events} WHERE run_id IN ({purged})", $"DELETE FROM {runs} WHERE run_id IN ({purged})" })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            Add(command, query.CompletedBefore.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            Add(command, statuses, NpgsqlDbType.Array | NpgsqlDbType.Text);
            if (query.WorkflowName is not null)
            {
                Add(command, query.WorkflowName, NpgsqlDbType.Text);
            }

            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    public async ValueTask AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"INSERT INTO {events} (run_id, at, kind, step_id, detail) VALUES ($1, $2, $3, $4, $5)");
        Add(command, runEvent.RunId, NpgsqlDbType.Text);
        Add(command, runEvent.At.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        Add(command, runEvent.Kind, NpgsqlDbType.Text);
        Add(command, runEvent.StepId, NpgsqlDbType.Text);
        Add(command, runEvent.Detail, NpgsqlDbType.Text);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RunEvent>> GetEventsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"SELECT run_id, sequence, at, kind, step_id, detail FROM {events} WHERE run_id = $1 ORDER BY sequence");
        Add(command, runId, NpgsqlDbType.Text);
        var found = new List<RunEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new RunEvent(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return found;
    }

    /// <summary>Disposes the data source when the store created it.</summary>
    public void Dispose()
    {
        if (ownsDataSource)
        {
            dataSource.Dispose();
        }
    }

    /// <summary>Disposes the data source when the store created it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (ownsDataSource)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Add(NpgsqlCommand command, object? value, NpgsqlDbType type) => Add(command.Parameters, value, type);

    private static void Add(NpgsqlParameterCollection parameters, object? value, NpgsqlDbType type) =>
        parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });

    private static string Position(NpgsqlCommand command) => "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);

    private async ValueTask<RunRecord?> ReadRunAsync(NpgsqlConnection connection, string runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {RunColumns} FROM {runs} WHERE run_id = $1", connection);
        Add(command, runId, NpgsqlDbType.Text);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRun(reader) : null;
    }

    private static RunRecord ReadRun(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        ParseRunStatus(reader.GetString(3)),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11))
    {
        Requested = StoreConventions.ParseControl(reader.IsDBNull(12) ? null : reader.GetString(12)),
        Priority = reader.GetInt32(13),
        ConcurrencyKey = reader.GetString(14),
        QueuedForSlot = reader.GetBoolean(15),
    };

    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var ready = initializing;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (initializeGate)
        {
            if (initializing is null || initializing.IsFaulted || initializing.IsCanceled)
            {
                initializing = InitializeAsync();
            }

            ready = initializing;
        }

        return ready.WaitAsync(cancellationToken);
    }

    /// <summary>Creates the schema once per store, serialized across processes by an advisory lock.</summary>
    private async Task InitializeAsync()
    {
        var cancellationToken = CancellationToken.None;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction))
        {
            Add(command, "workflows-store-schema:" + schemaName, NpgsqlDbType.Text);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        string schema = "\"" + schemaName + "\"";
        await using (var command = new NpgsqlCommand(
            $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer NOT NULL);
            CREATE TABLE IF NOT EXISTS {runs} (
                run_id text NOT NULL PRIMARY KEY,
                workflow text NOT NULL,
                definition_hash text NOT NULL,
                status text NOT NULL,
                inputs text NULL,
                outputs text NULL,
                error text NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                completed_at timestamptz NULL,
                owner text NULL,
                lease_until timestamptz NULL);
            CREATE INDEX IF NOT EXISTS runs_claim ON {runs} (status, lease_until);
            CREATE INDEX IF NOT EXISTS runs_created ON {runs} (created_at);
            CREATE INDEX IF NOT EXISTS runs_workflow_created ON {runs} (workflow, created_at);
            CREATE TABLE IF NOT EXISTS {steps} (
                run_id text NOT NULL,
                step_id text NOT NULL,
                item_index integer NOT NULL,
                signature text NOT NULL,
                attempts integer NOT NULL,
                status text NOT NULL,
                output text NULL,
                error text NULL,
                started_at timestamptz NOT NULL,
                completed_at timestamptz NOT NULL,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                PRIMARY KEY (run_id, step_id, item_index));
            CREATE INDEX IF NOT EXISTS steps_recorded ON {steps} (run_id, seq);
            CREATE TABLE IF NOT EXISTS {events} (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                run_id text NOT NULL,
                at timestamptz NOT NULL,
                kind text NOT NULL,
                step_id text NULL,
                detail text NULL);
            CREATE INDEX IF NOT EXISTS events_run ON {events} (run_id, sequence);
            """, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long found;
        await using (var command = new NpgsqlCommand($"SELECT MAX(version) FROM {schema}.schema_version", connection, transaction))
        {
            object? stored = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (stored is null or DBNull)
            {
                command.CommandText = $"INSERT INTO {schema}.schema_version (version) VALUES (1)";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                found = 1;
            }
            else
            {
                found = Convert.ToInt64(stored, CultureInfo.InvariantCulture);
            }
        }

        if (found > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The workflow store's schema is version {found}; this version of Workflows.PostgreSql knows version {SchemaVersion}. Update the package.");
        }

        // Each version's changes, in order, in the same transaction (under the advisory lock): upgraded whole or not at all.
        var migrations = Migrations(schema);
        for (long next = found + 1; next <= SchemaVersion; next++)
        {
            await using var migrate = new NpgsqlCommand(
                migrations[(int)next - 2] + $"; INSERT INTO {schema}.schema_version (version) VALUES ({next.ToString(CultureInfo.InvariantCulture)})", connection, transaction);
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The changes from schema version 1, one entry per version (the first makes version 2).</summary>
    private string[] Migrations(string schema) => new[]
    {
        // 2: operators' pause and cancel requests on running runs (RunRecord.Requested).
        $"ALTER TABLE {runs} ADD COLUMN IF NOT EXISTS control text NULL",

        // 3: waiting runs: signals, each step's wait, and what a waiting run waits for (PostgreSqlWorkflowStore.Signals.cs).
        SignalSchemaSql,

        // 4: admission: limits across runs, concurrency keys and priorities (PostgreSqlWorkflowStore.Admission.cs).
        AdmissionSchemaSql,
    };

    private static bool IsFinal(RunStatus status) => StoreConventions.IsFinal(status);

    private static string StatusText(RunStatus status) => StoreConventions.Text(status);

    private static RunStatus ParseRunStatus(string text) => StoreConventions.ParseRunStatus(text);

    private static string StatusText(StepStatus status) => StoreConventions.Text(status);

    private static StepStatus ParseStepStatus(string text) => StoreConventions.ParseStepStatus(text);
}
