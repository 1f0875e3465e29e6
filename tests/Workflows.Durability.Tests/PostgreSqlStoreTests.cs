using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Npgsql;
using Workflows.Durability;
using Workflows.PostgreSql;
using Xunit;

namespace Workflows.Durability.Tests;

/// <summary>
/// The conformance tests on PostgreSQL: a new schema per test, dropped afterwards. The server comes from
/// <see cref="PostgreSqlServer"/> (<c>WORKFLOWS_POSTGRES</c>, or a private server from the installed binaries);
/// without one these tests are reported as not run, and fail when <c>WORKFLOWS_REQUIRE_POSTGRES=1</c>.
/// </summary>
[UsesPostgreSql]
public sealed class PostgreSqlStoreTests : StoreConformanceTests
{
    private readonly string schema = "wf_test_" + Guid.NewGuid().ToString("N");
    private readonly List<PostgreSqlWorkflowStore> stores = [];

    private string ConnectionString { get; set; } = "";

    protected override async Task<IWorkflowStore> CreateStoreAsync()
    {
        ConnectionString = await PostgreSqlServer.ConnectionStringAsync();
        return OpenAnother();
    }

    protected override IWorkflowStore OpenAnother()
    {
        var store = new PostgreSqlWorkflowStore(ConnectionString, schema);
        lock (stores)
        {
            stores.Add(store);
        }

        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        if (ConnectionString.Length == 0)
        {
            return; // no server: the test failed on that already
        }

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    [StoreFact]
    public async Task The_tables_are_in_the_configured_schema()
    {
        await Store.GetRunAsync("none");

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name");
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
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

    [StoreFact]
    public void A_schema_name_that_is_not_an_identifier_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PostgreSqlWorkflowStore(ConnectionString, "x\"; DROP TABLE runs; --"));
    }

    [StoreFact]
    public async Task The_default_schema_is_workflows()
    {
        await using var store = new PostgreSqlWorkflowStore(ConnectionString);
        Assert.Equal("workflows", store.Schema);
    }
}
