using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Workflows.Durability;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>The conformance tests on SQLite: a new database file in a temporary directory per test.</summary>
public sealed class SqliteStoreTests : StoreConformanceTests
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "workflows-store-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(directory, "runs.db");

    protected override Task<IWorkflowStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(directory);
        return Task.FromResult<IWorkflowStore>(new SqliteWorkflowStore(DatabasePath));
    }

    protected override IWorkflowStore OpenAnother() => SqliteWorkflowStore.FromConnectionString("Data Source=" + DatabasePath);

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_is_one_file_in_WAL_mode_with_a_schema_version()
    {
        await Store.GetRunAsync("none");

        await using var connection = new SqliteConnection("Data Source=" + DatabasePath + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        Assert.Equal(4L, (long?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["events", "runs", "schema_version", "signals", "steps", "waits"], tables);
    }

    [Fact]
    public async Task A_read_only_store_reads_runs_and_never_writes()
    {
        await Store.StartRunAsync(new NewRun("r1", "orders", "hash", null, DateTimeOffset.UtcNow), "owner-a", DateTimeOffset.UtcNow.AddMinutes(5));
        SqliteConnection.ClearAllPools();
        var before = File.GetLastWriteTimeUtc(DatabasePath);

        var reader = SqliteWorkflowStore.OpenReadOnly(DatabasePath);

        Assert.Equal("orders", (await reader.GetRunAsync("r1"))!.WorkflowName);
        Assert.Single(await reader.ListRunsAsync(new RunQuery()));
        var refused = await Assert.ThrowsAsync<SqliteException>(() => reader.SetStatusAsync("r1", RunStatus.Paused, [RunStatus.Running]).AsTask());
        Assert.Equal(8, refused.SqliteErrorCode); // SQLITE_READONLY
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync("r1"))!.Status);
        Assert.Equal(before, File.GetLastWriteTimeUtc(DatabasePath));
        Assert.Throws<FileNotFoundException>(() => SqliteWorkflowStore.OpenReadOnly(Path.Combine(directory, "missing.db")));
        Assert.False(File.Exists(Path.Combine(directory, "missing.db")));
    }

    [Fact]
    public async Task A_version_1_store_is_upgraded_in_place_and_keeps_its_runs()
    {
        // A file exactly as version 1 of the store wrote it (its schema, verbatim), with one run.
        Directory.CreateDirectory(directory);
        await using (var connection = new SqliteConnection("Data Source=" + DatabasePath + ";Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                CREATE TABLE runs (run_id TEXT NOT NULL PRIMARY KEY, workflow TEXT NOT NULL, definition_hash TEXT NOT NULL, status TEXT NOT NULL,
                    inputs TEXT NULL, outputs TEXT NULL, error TEXT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                    completed_at INTEGER NULL, owner TEXT NULL, lease_until INTEGER NULL);
                CREATE INDEX runs_claim ON runs (status, lease_until);
                CREATE INDEX runs_created ON runs (created_at);
                CREATE INDEX runs_workflow_created ON runs (workflow, created_at);
                CREATE TABLE steps (run_id TEXT NOT NULL, step_id TEXT NOT NULL, item_index INTEGER NOT NULL, signature TEXT NOT NULL,
                    attempts INTEGER NOT NULL, status TEXT NOT NULL, output TEXT NULL, error TEXT NULL, started_at INTEGER NOT NULL,
                    completed_at INTEGER NOT NULL, recorded INTEGER NOT NULL, PRIMARY KEY (run_id, step_id, item_index));
                CREATE INDEX steps_recorded ON steps (run_id, recorded);
                CREATE TABLE events (sequence INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,
                    step_id TEXT NULL, detail TEXT NULL);
                CREATE INDEX events_run ON events (run_id, sequence);
                INSERT INTO schema_version (version) VALUES (1);
                INSERT INTO runs VALUES ('old', 'orders', 'hash', 'running', NULL, NULL, NULL, 1, 1, NULL, 'owner-a', 4102444800000);
                """;
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteWorkflowStore.OpenReadOnly(DatabasePath).GetRunAsync("old").AsTask());

        var upgraded = new SqliteWorkflowStore(DatabasePath);
        Assert.True(await upgraded.RequestAsync("old", RunControl.Pause));
        Assert.Equal(RunControl.Pause, (await upgraded.GetRunAsync("old"))!.Requested);
        Assert.Equal("orders", (await SqliteWorkflowStore.OpenReadOnly(DatabasePath).GetRunAsync("old"))!.WorkflowName);
        Assert.Equal(SignalDelivery.Stored, await upgraded.SendSignalAsync(new NewSignal("old", "go", "s1", null, DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task Runs_survive_reopening_the_file()
    {
        await Store.StartRunAsync(new NewRun("r1", "orders", "h", null, DateTimeOffset.UnixEpoch.AddYears(56)), "a", DateTimeOffset.UtcNow.AddMinutes(5));
        SqliteConnection.ClearAllPools();

        var reopened = new SqliteWorkflowStore(DatabasePath);
        var run = await reopened.GetRunAsync("r1");
        Assert.Equal("orders", run!.WorkflowName);
        Assert.Null(run.InputsJson);
    }
}
