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
        command.CommandText = "SELECT version FROM schema_version";
        Assert.Equal(1L, (long?)await command.ExecuteScalarAsync());
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
