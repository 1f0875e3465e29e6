using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Workflows.Durability;

namespace Workflows.Sqlite;

/// <summary>
/// The writes on a durable run's path (its start, its step records, its outcome and events) on one connection of
/// the store's own, kept open, with statements prepared once and bound through SQLite's own API: a checkpoint
/// allocates nothing and parses no SQL. Step records take turns (<see cref="StepGroupCommit"/>): one write at a
/// time, and calls that wait share the next transaction.
/// </summary>
/// <remarks>Every use of the connection holds <see cref="_connectionGate"/>: SQLite calls are synchronous, and short.</remarks>
internal sealed class SqliteWriter : StepGroupCommit
{
    private const int Done = 101; // SQLITE_DONE

    private readonly Func<CancellationToken, ValueTask<SqliteConnection>> _open;
    private readonly Func<long> _now;
    private readonly object _connectionGate = new();
    private readonly SemaphoreSlim _opening = new(1, 1);
    private SqliteConnection? _connection;
    private sqlite3 _db = null!;
    private Statements _statements = null!;
    private bool _closed;

    /// <param name="open">Opens a connection with the store's schema and settings.</param>
    /// <param name="now">The store's clock, in Unix milliseconds.</param>
    public SqliteWriter(Func<CancellationToken, ValueTask<SqliteConnection>> open, Func<long> now)
    {
        _open = open;
        _now = now;
    }

    /// <summary>Creates the run unless one has its id: its record (all known, nothing read back), or null when it existed.</summary>
    public ValueTask<RunRecord?> TryStartRunAsync(NewRun run, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is null)
        {
            return OpenThenAsync(this, static (self, a) => self.TryStartRun(a.run, a.owner, a.leaseUntil), (run, owner, leaseUntil), cancellationToken);
        }

        try
        {
            return new ValueTask<RunRecord?>(TryStartRun(run, owner, leaseUntil));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<RunRecord?>(exception);
        }
    }

    /// <summary>Moves a run its owner holds to a final status; false when the run is not running or not the owner's.</summary>
    public ValueTask<bool> CompleteRunAsync(string runId, string owner, string status, string? outputsJson, string? errorMessage, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is null)
        {
            return OpenThenAsync(this, static (self, a) => self.CompleteRun(a.runId, a.owner, a.status, a.outputsJson, a.errorMessage), (runId, owner, status, outputsJson, errorMessage), cancellationToken);
        }

        try
        {
            return new ValueTask<bool>(CompleteRun(runId, owner, status, outputsJson, errorMessage));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<bool>(exception);
        }
    }

    /// <summary>Appends an event to a run's history.</summary>
    public ValueTask AppendEventAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is null)
        {
            return new ValueTask(OpenThenAsync(this, static (self, e) => self.AppendEvent(e), runEvent, cancellationToken).AsTask());
        }

        try
        {
            AppendEvent(runEvent);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    protected override ValueTask<bool> WriteOneAsync(string runId, string owner, IReadOnlyList<StepRecord> steps, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is null)
        {
            return OpenThenAsync(this, static (self, a) => self.WriteOne(a.runId, a.owner, a.steps), (runId, owner, steps), cancellationToken);
        }

        try
        {
            return new ValueTask<bool>(WriteOne(runId, owner, steps));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<bool>(exception);
        }
    }

    protected override async ValueTask WriteManyAsync(IReadOnlyList<Waiting> batch)
    {
        await EnsureOpenAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_connectionGate)
        {
            var s = Ready();
            var now = _now();
            Execute(s.Begin);
            try
            {
                foreach (var waiting in batch)
                {
                    // A savepoint per call: its refusal or its error undoes its own statements only.
                    Execute(s.Savepoint);
                    try
                    {
                        var accepted = Touch(waiting.RunId, waiting.OwnerName, now) && InsertAll(waiting.RunId, waiting.Steps);
                        if (!accepted)
                        {
                            Execute(s.RollbackToSavepoint);
                        }

                        Execute(s.ReleaseSavepoint);
                        waiting.Accepted = accepted;
                    }
                    catch (SqliteException exception) when (raw.sqlite3_get_autocommit(_db) == 0)
                    {
                        // Still in the transaction: only this call's statements are undone.
                        Execute(s.RollbackToSavepoint);
                        Execute(s.ReleaseSavepoint);
                        waiting.Failure = exception;
                    }
                }

                Execute(s.Commit);
            }
            catch
            {
                RollBackIfOpen();
                throw;
            }
        }
    }

    private RunRecord? TryStartRun(NewRun run, string owner, DateTimeOffset leaseUntil)
    {
        lock (_connectionGate)
        {
            var insert = Ready().StartRun;
            var now = _now();
            var created = run.CreatedAt.ToUnixTimeMilliseconds();
            var lease = leaseUntil.ToUnixTimeMilliseconds();
            BindText(insert, 1, run.RunId);
            BindText(insert, 2, run.WorkflowName);
            BindText(insert, 3, run.DefinitionHash);
            BindText(insert, 4, run.InputsJson);
            Check(raw.sqlite3_bind_int64(insert, 5, created));
            Check(raw.sqlite3_bind_int64(insert, 6, now));
            BindText(insert, 7, owner);
            Check(raw.sqlite3_bind_int64(insert, 8, lease));
            Execute(insert);
            if (raw.sqlite3_changes(_db) != 1)
            {
                return null;
            }

            // What a read would return: the times as stored (Unix milliseconds, UTC).
            return new RunRecord(
                run.RunId, run.WorkflowName, run.DefinitionHash, RunStatus.Running, run.InputsJson, null, null,
                Time(created), Time(now), null, owner, Time(lease));
        }
    }

    private bool CompleteRun(string runId, string owner, string status, string? outputsJson, string? errorMessage)
    {
        lock (_connectionGate)
        {
            var update = Ready().CompleteRun;
            BindText(update, 1, status);
            BindText(update, 2, outputsJson);
            BindText(update, 3, errorMessage);
            Check(raw.sqlite3_bind_int64(update, 4, _now()));
            BindText(update, 5, runId);
            BindText(update, 6, owner);
            Execute(update);
            return raw.sqlite3_changes(_db) == 1;
        }
    }

    private bool AppendEvent(RunEvent runEvent)
    {
        lock (_connectionGate)
        {
            var insert = Ready().AppendEvent;
            BindText(insert, 1, runEvent.RunId);
            Check(raw.sqlite3_bind_int64(insert, 2, runEvent.At.ToUnixTimeMilliseconds()));
            BindText(insert, 3, runEvent.Kind);
            BindText(insert, 4, runEvent.StepId);
            BindText(insert, 5, runEvent.Detail);
            Execute(insert);
            return true;
        }
    }

    /// <summary>One call's steps in a transaction of their own; all or nothing.</summary>
    private bool WriteOne(string runId, string owner, IReadOnlyList<StepRecord> steps)
    {
        lock (_connectionGate)
        {
            var s = Ready();
            var now = _now();
            Execute(s.Begin);
            try
            {
                if (!Touch(runId, owner, now) || !InsertAll(runId, steps))
                {
                    Execute(s.Rollback);
                    return false;
                }

                Execute(s.Commit);
                return true;
            }
            catch
            {
                RollBackIfOpen();
                throw;
            }
        }
    }

    /// <summary>Marks the run updated if the owner still holds an unexpired lease.</summary>
    private bool Touch(string runId, string owner, long now)
    {
        var touch = _statements.Touch;
        Check(raw.sqlite3_bind_int64(touch, 1, now));
        BindText(touch, 2, runId);
        BindText(touch, 3, owner);
        Execute(touch);
        return raw.sqlite3_changes(_db) == 1;
    }

    /// <summary>Inserts each step; false as soon as one is already recorded.</summary>
    private bool InsertAll(string runId, IReadOnlyList<StepRecord> steps)
    {
        var insert = _statements.InsertStep;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            BindText(insert, 1, runId);
            BindText(insert, 2, step.StepId);
            Check(raw.sqlite3_bind_int64(insert, 3, step.ItemIndex));
            BindText(insert, 4, step.Signature);
            Check(raw.sqlite3_bind_int64(insert, 5, step.Attempts));
            BindText(insert, 6, StatusText(step.Status));
            BindText(insert, 7, step.OutputJson);
            BindText(insert, 8, step.Error);
            Check(raw.sqlite3_bind_int64(insert, 9, step.StartedAt.ToUnixTimeMilliseconds()));
            Check(raw.sqlite3_bind_int64(insert, 10, step.CompletedAt.ToUnixTimeMilliseconds()));
            Execute(insert);
            if (raw.sqlite3_changes(_db) != 1)
            {
                return false;
            }
        }

        return true;
    }

    private void BindText(sqlite3_stmt statement, int index, string? value)
        => Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    /// <summary>Runs a statement to its end and resets it for the next use; throws SQLite's error.</summary>
    private void Execute(sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != Done)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }

    private void Check(int result)
    {
        if (result != 0)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }

    private void RollBackIfOpen()
    {
        if (raw.sqlite3_get_autocommit(_db) == 0)
        {
            try
            {
                Execute(_statements.Rollback);
            }
            catch (SqliteException)
            {
                // The error already on its way says what went wrong; the transaction ends with the connection at worst.
            }
        }
    }

    /// <summary>The statements, under the gate; throws once the store is disposed.</summary>
    private Statements Ready()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        return _statements;
    }

    /// <summary>The first write opens the connection (the store's schema first); later ones find it open.</summary>
    private static async ValueTask<TResult> OpenThenAsync<TState, TResult>(SqliteWriter self, Func<SqliteWriter, TState, TResult> write, TState state, CancellationToken cancellationToken)
    {
        await self.EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        return write(self, state);
    }

    private async ValueTask EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is not null)
        {
            return;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is not null)
            {
                return;
            }

            var connection = await _open(cancellationToken).ConfigureAwait(false);
            lock (_connectionGate)
            {
                if (_closed)
                {
                    connection.Dispose();
                    throw new ObjectDisposedException(nameof(SqliteWorkflowStore));
                }

                try
                {
                    _db = connection.Handle!;
                    _statements = new Statements(_db);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }

                Volatile.Write(ref _connection, connection);
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    protected override void Close()
    {
        lock (_connectionGate)
        {
            _closed = true;
            if (_connection is not null)
            {
                _statements.Dispose();
                _connection.Dispose();
            }
        }
    }

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private static string StatusText(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "succeeded",
        StepStatus.Failed => "failed",
        StepStatus.Skipped => "skipped",
        StepStatus.Compensated => "compensated",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The prepared statements, parsed once per connection.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly List<sqlite3_stmt> _all = new();

        public Statements(sqlite3 db)
        {
            try
            {
                Begin = Prepare(db, "BEGIN IMMEDIATE");
                Commit = Prepare(db, "COMMIT");
                Rollback = Prepare(db, "ROLLBACK");
                Savepoint = Prepare(db, "SAVEPOINT record_call");
                RollbackToSavepoint = Prepare(db, "ROLLBACK TO record_call");
                ReleaseSavepoint = Prepare(db, "RELEASE record_call");
                Touch = Prepare(db, "UPDATE runs SET updated_at = ?1 WHERE run_id = ?2 AND owner = ?3 AND lease_until > ?1");
                InsertStep = Prepare(db,
                    "INSERT INTO steps (run_id, step_id, item_index, signature, attempts, status, output, error, started_at, completed_at, recorded) " +
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT IFNULL(MAX(recorded), 0) + 1 FROM steps WHERE run_id = ?1)) " +
                    // A step's record is replaced (in its place) until it is final: succeeded or compensated.
                    "ON CONFLICT (run_id, step_id, item_index) DO UPDATE SET signature = excluded.signature, attempts = excluded.attempts, status = excluded.status, " +
                    "output = excluded.output, error = excluded.error, started_at = excluded.started_at, completed_at = excluded.completed_at " +
                    "WHERE steps.status NOT IN ('succeeded', 'compensated')");
                StartRun = Prepare(db,
                    "INSERT INTO runs (run_id, workflow, definition_hash, status, inputs, outputs, error, created_at, updated_at, completed_at, owner, lease_until) " +
                    "VALUES (?1, ?2, ?3, 'running', ?4, NULL, NULL, ?5, ?6, NULL, ?7, ?8) ON CONFLICT (run_id) DO NOTHING");
                CompleteRun = Prepare(db,
                    "UPDATE runs SET status = ?1, outputs = ?2, error = ?3, completed_at = ?4, updated_at = ?4, owner = NULL, lease_until = NULL, control = NULL " +
                    "WHERE run_id = ?5 AND status = 'running' AND owner = ?6 AND lease_until > ?4");
                AppendEvent = Prepare(db, "INSERT INTO events (run_id, at, kind, step_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public sqlite3_stmt Begin { get; }

        public sqlite3_stmt Commit { get; }

        public sqlite3_stmt Rollback { get; }

        public sqlite3_stmt Savepoint { get; }

        public sqlite3_stmt RollbackToSavepoint { get; }

        public sqlite3_stmt ReleaseSavepoint { get; }

        public sqlite3_stmt Touch { get; }

        public sqlite3_stmt InsertStep { get; }

        public sqlite3_stmt StartRun { get; }

        public sqlite3_stmt CompleteRun { get; }

        public sqlite3_stmt AppendEvent { get; }

        private sqlite3_stmt Prepare(sqlite3 db, string sql)
        {
            var result = raw.sqlite3_prepare_v2(db, sql, out var statement);
            if (result != 0)
            {
                statement?.Dispose();
                SqliteException.ThrowExceptionForRC(result, db);
            }

            _all.Add(statement!);
            return statement!;
        }

        public void Dispose()
        {
            foreach (var statement in _all)
            {
                statement.Dispose();
            }

            _all.Clear();
        }
    }
}
