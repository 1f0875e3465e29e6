using System;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;
using NpgsqlTypes;
using Workflows.Durability;

namespace Workflows.PostgreSql;

/// <summary>
/// Wake-ups across processes with PostgreSQL's <c>LISTEN</c>/<c>NOTIFY</c>: a run enqueued (resumed, retried,
/// signalled) by any process wakes every listening host on the database within milliseconds. One channel for the
/// database; the payload names the schema, so stores in other schemas ignore each other's notices.
/// </summary>
public sealed partial class PostgreSqlWorkflowStore : IWorkflowWakeups
{
    private const string WakeupChannel = "workflows_runnable";

    /// <summary>How long a listener waits before reconnecting after its connection failed.</summary>
    private static readonly TimeSpan s_reconnectDelay = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async ValueTask NotifyRunnableAsync(string workflowName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = WakeupChannel, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = schemaName + "\n" + workflowName, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ListenAsync(Action<string> onRunnable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onRunnable);
        var prefix = schemaName + "\n";
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, notice) =>
                {
                    if (notice.Payload.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        onRunnable(notice.Payload[prefix.Length..]);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {WakeupChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (!first)
                {
                    // Notices sent while the connection was down are lost: look once for anything runnable.
                    onRunnable(string.Empty);
                }

                first = false;
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                // The server went away: hosts still poll; listen again shortly.
                first = false;
                try
                {
                    await Task.Delay(s_reconnectDelay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
