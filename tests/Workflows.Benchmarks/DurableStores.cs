using System;
using System.IO;
using Workflows.Durability.Tests;

namespace Workflows.Benchmarks;

/// <summary>
/// A fresh SQLite file and a fresh PostgreSQL schema for one benchmark class, deleted afterwards. PostgreSQL is
/// <c>WORKFLOWS_POSTGRES</c>, else a private server (the tests' <see cref="PostgreSqlServer"/>, linked) that flushes
/// every commit to disk, as a production server does: a checkpoint on PostgreSQL costs its fsync.
/// </summary>
internal sealed class DurableStores : IDisposable
{
    private readonly string _directory;
    private readonly string _connection;
    private readonly string _schema;

    private DurableStores(string directory, string connection, string schema)
    {
        _directory = directory;
        _connection = connection;
        _schema = schema;
        Sqlite = new Workflows.Sqlite.SqliteWorkflowStore(Path.Combine(directory, "bench.db"));
        Postgres = new Workflows.PostgreSql.PostgreSqlWorkflowStore(connection, schema);
    }

    public Workflows.Sqlite.SqliteWorkflowStore Sqlite { get; }

    public Workflows.PostgreSql.PostgreSqlWorkflowStore Postgres { get; }

    public static DurableStores Create()
    {
        PostgreSqlServer.FlushCommits = true;
        var connection = PostgreSqlServer.ConnectionStringAsync().GetAwaiter().GetResult();
        return new DurableStores(Directory.CreateTempSubdirectory("wf-bench-").FullName, connection, "wf_bench_" + Guid.NewGuid().ToString("N"));
    }

    public void Dispose()
    {
        Postgres.Dispose();
        using (var data = Npgsql.NpgsqlDataSource.Create(_connection))
        using (var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE"))
        {
            drop.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
