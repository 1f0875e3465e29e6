using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Workflows.Durability;

namespace Workflows.Sqlite;

/// <summary>
/// The embedded durable-run store: one SQLite file in WAL mode, shared safely by the threads of a process and by
/// several processes on one machine.
/// </summary>
/// <remarks>
/// <para>
/// The schema (tables <c>runs</c>, <c>steps</c>, <c>events</c> and <c>schema_version</c>) is created on first use.
/// Times are stored as Unix milliseconds (UTC), so they round to the millisecond. Every operation opens a pooled
/// connection of its own; writes that read before they change (claims, step records) run in
/// <c>BEGIN IMMEDIATE</c> transactions, so they are atomic across connections and processes.
/// </para>
/// <para>
/// Leases are checked against the store's <see cref="TimeProvider"/> (the system clock unless given), except in
/// <see cref="ClaimRunsAsync"/>, which takes the time from its caller. <see cref="RunQuery.CreatedAfter"/> is
/// inclusive and <see cref="RunQuery.CreatedBefore"/> exclusive. The database uses <c>synchronous=NORMAL</c>: a
/// committed write survives a crash of the process; an operating-system crash or power loss may lose the last
/// commits (never half of one), which durable runs tolerate by running those steps again.
/// </para>
/// </remarks>
public sealed partial class SqliteWorkflowStore : IWorkflowStore, IWorkflowSignalStore, IDisposable
{
    private const int SchemaVersion = 4;

    private const string RunColumns =
        "run_id, workflow, definition_hash, status, inputs, outputs, error, created_at, updated_at, completed_at, owner, lease_until, control, " +
        "priority, concurrency_key, (status = 'pending' AND admitted_at IS NULL AND (concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL)) AS queued";

    private const string StepColumns =
        "run_id, step_id, item_index, signature, attempts, status, output, error, started_at, completed_at";

    private readonly TimeProvider timeProvider;
    private readonly bool readOnly;
    private string connectionString;
    private readonly object initializeGate = new();
    private readonly SqliteWriter writer;

    /// <summary>The pooled SQLite connections whose settings (busy timeout, synchronous) are made.</summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> configured = new();
    private static readonly object s_configuredMark = new();
    private Task? initializing;

    /// <summary>A store in the SQLite file at <paramref name="path"/>, created (with its directory's file) when missing.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="timeProvider">The clock leases are checked against; the system clock when null.</param>
    public SqliteWorkflowStore(string path, TimeProvider? timeProvider = null)
        : this(BuildConnectionString(path), timeProvider, isConnectionString: true)
    {
    }

    private SqliteWorkflowStore(string connectionString, TimeProvider? timeProvider, bool isConnectionString, bool readOnly = false)
    {
        _ = isConnectionString;
        this.connectionString = connectionString;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.readOnly = readOnly;
        writer = new SqliteWriter(OpenAsync, Now);
    }

    /// <summary>
    /// The store in an existing file, opened read-only: for tools that only read runs (<c>runs</c>, <c>status</c>). It
    /// works on a read-only mount and never creates or changes the file; every write throws. A store whose schema is
    /// older than this version's must be opened writable once to be upgraded.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <exception cref="System.IO.FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static SqliteWorkflowStore OpenReadOnly(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!System.IO.File.Exists(path))
        {
            throw new System.IO.FileNotFoundException($"There is no workflow store at '{path}'.", path);
        }

        var builder = new SqliteConnectionStringBuilder(BuildConnectionString(path)) { Mode = SqliteOpenMode.ReadOnly };
        return new SqliteWorkflowStore(builder.ToString(), timeProvider, isConnectionString: true, readOnly: true);
    }

    /// <summary>A store from a Microsoft.Data.Sqlite connection string (pooling is turned on when not set).</summary>
    /// <param name="connectionString">For example <c>Data Source=runs.db</c>.</param>
    /// <param name="timeProvider">The clock leases are checked against; the system clock when null.</param>
    public static SqliteWorkflowStore FromConnectionString(string connectionString, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("pooling", StringComparison.OrdinalIgnoreCase))
        {
            builder.Pooling = true;
        }

        return new SqliteWorkflowStore(builder.ToString(), timeProvider, isConnectionString: true);
    }

    private static string BuildConnectionString(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc />
    public async ValueTask<StartResult> StartRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        cancellationToken.ThrowIfCancellationRequested();

        if (run.IsQueued)
        {
            return await StartQueuedRunAsync(run, owner, leaseUntil, cancellationToken).ConfigureAwait(false);
        }

        // A new run is known without reading it back; only an existing one is read.
        if (await writer.TryStartRunAsync(run, owner, leaseUntil, cancellationToken).ConfigureAwait(false) is { } created)
        {
            return new StartResult(created, Created: true);
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var record = await ReadRunAsync(connection, null, run.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The run '{run.RunId}' vanished while it was being started.");
        return new StartResult(record, Created: false);
    }

    /// <inheritdoc />
    public async ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRunAsync(connection, null, runId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT " + StepColumns + " FROM steps WHERE run_id = $id ORDER BY recorded");
        command.Parameters.AddWithValue("$id", runId);
        var steps = new List<StepRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            steps.Add(new StepRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetInt32(4),
                ParseStepStatus(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                Time(reader.GetInt64(8)),
                Time(reader.GetInt64(9))));
        }

        return steps;
    }

    /// <inheritdoc />
    /// <remarks>
    /// All or nothing: when one of <paramref name="steps"/> already has a final record, none is written, and the result is false.
    /// Written on the store's own connection with prepared statements; calls made while another is being written
    /// share the next transaction (group commit), each keeping its own result.
    /// </remarks>
    public ValueTask<bool> RecordStepsAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        StoreConventions.CheckStepsBelongTo(runId, steps);

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        return writer.RecordAsync(runId, owner, steps, cancellationToken);
    }

    /// <summary>The group commit of step records (tests hold its writes with a gate).</summary>
    internal StepGroupCommit StepCommits => writer;

    /// <summary>Closes the connection the store writes runs on (once the write in flight, if any, ends).</summary>
    public void Dispose() => writer.Dispose();

    /// <inheritdoc />
    public async ValueTask<bool> CompleteRunAsync(string runId, string owner, RunStatus status, string? outputsJson, string? errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (!IsFinal(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A run completes as Succeeded, Failed or Cancelled.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await writer.CompleteRunAsync(runId, owner, StatusText(status), outputsJson, errorMessage, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseRunAsync(string runId, string owner, RunStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        StoreConventions.CheckReleaseStatus(status);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        long now = Now();
        await using var command = Command(connection, null,
            "UPDATE runs SET status = $status, updated_at = $now, owner = NULL, lease_until = NULL" +
            (status == RunStatus.Paused ? ", control = NULL" : "") +
            " WHERE run_id = $id AND status = $running AND owner = $owner AND lease_until > $now");
        command.Parameters.AddWithValue("$status", StatusText(status));
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$running", StatusText(RunStatus.Running));
        command.Parameters.AddWithValue("$owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RequestAsync(string runId, RunControl? control, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "UPDATE runs SET control = $control, updated_at = $now WHERE run_id = $id AND status = $running AND " +
            control switch
            {
                null => "control = 'pause'",
                RunControl.Pause => "(control IS NULL OR control = 'pause')",
                _ => "1 = 1",
            });
        command.Parameters.AddWithValue("$control", (object?)StoreConventions.Text(control) ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$running", StatusText(RunStatus.Running));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<bool> RenewLeaseAsync(string runId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "UPDATE runs SET lease_until = $lease, updated_at = $now WHERE run_id = $id AND owner = $owner");
        command.Parameters.AddWithValue("$lease", leaseUntil.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$owner", owner);
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

        bool release = status is RunStatus.Pending or RunStatus.Paused || IsFinal(status);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var parameters = new List<string>(from.Count);
        await using var command = Command(connection, null, "");
        for (int i = 0; i < from.Count; i++)
        {
            string name = "$from" + i.ToString(CultureInfo.InvariantCulture);
            parameters.Add(name);
            command.Parameters.AddWithValue(name, StatusText(from[i]));
        }

        string completedAt = IsFinal(status) ? "$now" : status == RunStatus.Pending ? "NULL" : "completed_at";
        command.CommandText =
            "UPDATE runs SET status = $status, updated_at = $now, completed_at = " + completedAt +
            // A finished run gave its slot back: retried, it queues for admission again.
            ", admitted_at = CASE WHEN status IN ('succeeded', 'failed', 'cancelled') THEN NULL ELSE admitted_at END" +
            (release ? ", owner = NULL, lease_until = NULL, control = NULL" : "") +
            " WHERE run_id = $id AND status IN (" + string.Join(", ", parameters) + ")";
        command.Parameters.AddWithValue("$status", StatusText(status));
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$id", runId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask DeleteFailedStepsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // A retried run waits afresh: its signal steps' timeouts count from the retry.
        await using var command = Command(connection, null, "DELETE FROM steps WHERE run_id = $id AND status IN ($failed, $compensated); DELETE FROM waits WHERE run_id = $id");
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$failed", StatusText(StepStatus.Failed));
        command.Parameters.AddWithValue("$compensated", StatusText(StepStatus.Compensated));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask MarkCompensatedAsync(string runId, string stepId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(stepId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "UPDATE steps SET status = $compensated WHERE run_id = $id AND step_id = $step AND status = $succeeded");
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$step", stepId);
        command.Parameters.AddWithValue("$succeeded", StatusText(StepStatus.Succeeded));
        command.Parameters.AddWithValue("$compensated", StatusText(StepStatus.Compensated));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "");
        var where = new List<string>();
        if (query.WorkflowName is not null)
        {
            where.Add("workflow = $workflow");
            command.Parameters.AddWithValue("$workflow", query.WorkflowName);
        }

        if (query.Status is { } status)
        {
            where.Add("status = $status");
            command.Parameters.AddWithValue("$status", StatusText(status));
        }

        if (query.CreatedAfter is { } after)
        {
            where.Add("created_at >= $after");
            command.Parameters.AddWithValue("$after", after.ToUnixTimeMilliseconds());
        }

        if (query.CreatedBefore is { } before)
        {
            where.Add("created_at < $before");
            command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        }

        command.CommandText = "SELECT " + RunColumns + " FROM runs" +
            (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) +
            " ORDER BY created_at DESC, run_id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", query.Limit);
        var runs = new List<RunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeRunsAsync(PurgeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var statuses = query.Statuses;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var names = string.Join(", ", statuses.Select((_, i) => "$s" + i));
        var purged = "SELECT run_id FROM runs WHERE completed_at < $before AND status IN (" + names + ")" + (query.WorkflowName is null ? "" : " AND workflow = $workflow");
        var deleted = 0;
        foreach (var sql in new[] { "DELETE FROM steps WHERE run_id IN (" + purged + ")", "DELETE FROM signals WHERE run_id IN (" + purged + ")", "DELETE FROM waits WHERE run_id IN (" + purged + ")", "DELETE FROM events WHERE run_id IN (" + purged + ")", "DELETE FROM runs WHERE run_id IN (" + purged + ")" })
        {
            await using var command = Command(connection, transaction, sql);
            command.Parameters.AddWithValue("$before", query.CompletedBefore.ToUnixTimeMilliseconds());
            for (var i = 0; i < statuses.Count; i++)
            {
                command.Parameters.AddWithValue("$s" + i, StatusText(statuses[i]));
            }

            if (query.WorkflowName is not null)
            {
                command.Parameters.AddWithValue("$workflow", query.WorkflowName);
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
        cancellationToken.ThrowIfCancellationRequested();
        await writer.AppendEventAsync(runEvent, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RunEvent>> GetEventsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT run_id, sequence, at, kind, step_id, detail FROM events WHERE run_id = $run ORDER BY sequence");
        command.Parameters.AddWithValue("$run", runId);
        var events = new List<RunEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new RunEvent(
                reader.GetString(0),
                reader.GetInt64(1),
                Time(reader.GetInt64(2)),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return events;
    }

    private long Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long unixMilliseconds) => StoreConventions.FromStored(unixMilliseconds);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    /// <summary>Takes the run's write lock (first write of the transaction) if the owner still holds an unexpired lease.</summary>
    private static async ValueTask<bool> TouchOwnedRunAsync(SqliteConnection connection, SqliteTransaction transaction, string runId, string owner, long now, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            "UPDATE runs SET updated_at = $now WHERE run_id = $id AND owner = $owner AND lease_until > $now");
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$id", runId);
        command.Parameters.AddWithValue("$owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async ValueTask<RunRecord?> ReadRunAsync(SqliteConnection connection, SqliteTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT " + RunColumns + " FROM runs WHERE run_id = $id");
        command.Parameters.AddWithValue("$id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRun(reader) : null;
    }

    private static RunRecord ReadRun(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        ParseRunStatus(reader.GetString(3)),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        Time(reader.GetInt64(7)),
        Time(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : Time(reader.GetInt64(9)),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : Time(reader.GetInt64(11)))
    {
        Requested = StoreConventions.ParseControl(reader.IsDBNull(12) ? null : reader.GetString(12)),
        Priority = reader.GetInt32(13),
        ConcurrencyKey = reader.GetString(14),
        QueuedForSlot = reader.GetInt64(15) != 0,
    };

    private async ValueTask<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var schemaReady = initializing;
        if (schemaReady is not { IsCompletedSuccessfully: true })
        {
            lock (initializeGate)
            {
                if (initializing is null || initializing.IsFaulted || initializing.IsCanceled)
                {
                    initializing = InitializeAsync();
                }

                schemaReady = initializing;
            }

            await schemaReady.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (readOnly)
            {
                await using var readOnlyPragmas = Command(connection, null, "PRAGMA busy_timeout = 30000; PRAGMA query_only = ON;");
                await readOnlyPragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (!configured.TryGetValue(connection.Handle!, out _))
            {
                // Once per SQLite connection: a pooled one keeps its settings when it comes back.
                await using var pragmas = Command(connection, null, "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;");
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                configured.AddOrUpdate(connection.Handle!, s_configuredMark);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the schema once per store (CREATE ... IF NOT EXISTS, so once per file in effect).</summary>
    private async Task InitializeAsync()
    {
        if (readOnly)
        {
            await CheckReadableAsync().ConfigureAwait(false);
            return;
        }

        var cancellationToken = CancellationToken.None;
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var pragmas = Command(connection, null, "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL;"))
        {
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var schema = Command(connection, transaction, Schema))
        {
            await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long found;
        await using (var version = Command(connection, transaction, "SELECT MAX(version) FROM schema_version"))
        {
            object? stored = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (stored is null or DBNull)
            {
                version.CommandText = "INSERT INTO schema_version (version) VALUES (1)";
                await version.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
                $"The workflow store's schema is version {found}; this version of Workflows.Sqlite knows version {SchemaVersion}. Update the package.");
        }

        // Each version's changes, in order, in the same transaction: a store is upgraded whole or not at all.
        for (long next = found + 1; next <= SchemaVersion; next++)
        {
            await using var migrate = Command(connection, transaction,
                Migrations[(int)next - 2] + "; INSERT INTO schema_version (version) VALUES (" + next.ToString(CultureInfo.InvariantCulture) + ")");
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For a read-only store: the schema is this version's. A WAL database on a read-only mount cannot be opened the
    /// usual way when its shared-memory file is gone (SQLite must create it); it is then opened as immutable.
    /// </summary>
    private async Task CheckReadableAsync()
    {
        long found;
        try
        {
            found = await ReadSchemaVersionAsync().ConfigureAwait(false);
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode is 14 or 8) // SQLITE_CANTOPEN, SQLITE_READONLY
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            builder.DataSource = "file:" + Uri.EscapeDataString(builder.DataSource).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
            connectionString = builder.ToString();
            found = await ReadSchemaVersionAsync().ConfigureAwait(false);
        }

        if (found != SchemaVersion)
        {
            throw new InvalidOperationException(found > SchemaVersion
                ? $"The workflow store's schema is version {found}; this version of Workflows.Sqlite knows version {SchemaVersion}. Update the package."
                : $"The workflow store's schema is version {found}, older than this version's ({SchemaVersion}): open it writable once (any command that runs a workflow) to upgrade it.");
        }
    }

    private async Task<long> ReadSchemaVersionAsync()
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var version = Command(connection, null, "SELECT MAX(version) FROM schema_version");
        return await version.ExecuteScalarAsync().ConfigureAwait(false) is long value ? value : 0;
    }

    /// <summary>The changes from schema version 1, one entry per version (the first makes version 2).</summary>
    private static readonly string[] Migrations =
    {
        // 2: operators' pause and cancel requests on running runs (RunRecord.Requested).
        "ALTER TABLE runs ADD COLUMN control TEXT NULL",

        // 3: waiting runs: signals, each step's wait, and what a waiting run waits for (SqliteWorkflowStore.Signals.cs).
        SignalSchema,

        // 4: admission: limits across runs, concurrency keys and priorities (SqliteWorkflowStore.Admission.cs).
        AdmissionSchema,
    };

    /// <summary>Version 1 of the schema; <see cref="Migrations"/> bring it to <see cref="SchemaVersion"/>.</summary>
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT NOT NULL PRIMARY KEY,
            workflow TEXT NOT NULL,
            definition_hash TEXT NOT NULL,
            status TEXT NOT NULL,
            inputs TEXT NULL,
            outputs TEXT NULL,
            error TEXT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            completed_at INTEGER NULL,
            owner TEXT NULL,
            lease_until INTEGER NULL);
        CREATE INDEX IF NOT EXISTS runs_claim ON runs (status, lease_until);
        CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at);
        CREATE INDEX IF NOT EXISTS runs_workflow_created ON runs (workflow, created_at);
        CREATE TABLE IF NOT EXISTS steps (
            run_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            item_index INTEGER NOT NULL,
            signature TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            status TEXT NOT NULL,
            output TEXT NULL,
            error TEXT NULL,
            started_at INTEGER NOT NULL,
            completed_at INTEGER NOT NULL,
            recorded INTEGER NOT NULL,
            PRIMARY KEY (run_id, step_id, item_index));
        CREATE INDEX IF NOT EXISTS steps_recorded ON steps (run_id, recorded);
        CREATE TABLE IF NOT EXISTS events (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            step_id TEXT NULL,
            detail TEXT NULL);
        CREATE INDEX IF NOT EXISTS events_run ON events (run_id, sequence);
        """;

    private static bool IsFinal(RunStatus status) => StoreConventions.IsFinal(status);

    private static string StatusText(RunStatus status) => StoreConventions.Text(status);

    private static RunStatus ParseRunStatus(string text) => StoreConventions.ParseRunStatus(text);

    private static string StatusText(StepStatus status) => StoreConventions.Text(status);

    private static StepStatus ParseStepStatus(string text) => StoreConventions.ParseStepStatus(text);
}
