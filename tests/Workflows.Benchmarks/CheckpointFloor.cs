using System;
using System.Diagnostics;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Workflows.Benchmarks;

/// <summary>
/// The floor a SQLite checkpoint cannot go below on this machine: one transaction of the same shape (the run's lease
/// check, one step insert, the commit; WAL, synchronous=NORMAL), prepared once, on one connection, with nothing else.
/// The store's checkpoint (DurableBenchmarks: 10 steps minus 1 step, over 9) is compared with it.
/// </summary>
internal static class CheckpointFloor
{
    public static void Run()
    {
        var path = Path.Combine(Path.GetTempPath(), "workflows-floor-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " +
                "CREATE TABLE runs (run_id TEXT PRIMARY KEY, owner TEXT, lease INTEGER, updated INTEGER); " +
                "CREATE TABLE steps (run_id TEXT, step_id TEXT, item INTEGER, output TEXT, PRIMARY KEY (run_id, step_id, item)); " +
                "INSERT INTO runs VALUES ('r', 'o', 9999999999999, 0);");
            using var begin = Prepare(connection, "BEGIN IMMEDIATE");
            using var commit = Prepare(connection, "COMMIT");
            using var touch = Prepare(connection, "UPDATE runs SET updated = $n WHERE run_id = 'r' AND owner = 'o' AND lease > $n");
            var now = touch.Parameters.Add("$n", SqliteType.Integer);
            using var insert = Prepare(connection, "INSERT INTO steps VALUES ('r', $s, -1, '{\"ok\":true}')");
            var step = insert.Parameters.Add("$s", SqliteType.Text);
            foreach (var (name, count) in new[] { ("warmup", 2_000), ("run 1", 10_000), ("run 2", 10_000), ("run 3", 10_000) })
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    begin.ExecuteNonQuery();
                    now.Value = i;
                    touch.ExecuteNonQuery();
                    step.Value = name + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    insert.ExecuteNonQuery();
                    commit.ExecuteNonQuery();
                }

                Console.WriteLine($"{name}: {count} bare checkpoints, {clock.Elapsed.TotalMilliseconds * 1000 / count:0.0} µs each");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }
}
