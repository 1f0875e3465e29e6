using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Workflows.Durability;

namespace Workflows.Sqlite;

/// <summary>
/// Wake-ups within the process: a run enqueued (resumed, retried, signalled) through any store object on a file wakes
/// the hosts listening on that file in this process at once. Other processes on the file find it at their next poll:
/// SQLite has no way to tell them.
/// </summary>
public sealed partial class SqliteWorkflowStore : IWorkflowWakeups
{
    private static readonly Dictionary<string, List<Action<string>>> s_listeners = new(StringComparer.Ordinal);
    private string? fileKey;

    /// <summary>The database file's full path (its name for an in-memory database): stores on one file share listeners.</summary>
    private string FileKey => fileKey ??= KeyOf(connectionString);

    private static string KeyOf(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return source.Length == 0 || source.StartsWith(':') || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? source : Path.GetFullPath(source);
    }

    /// <inheritdoc />
    public ValueTask NotifyRunnableAsync(string workflowName, CancellationToken cancellationToken = default)
    {
        Action<string>[] listeners;
        lock (s_listeners)
        {
            listeners = s_listeners.TryGetValue(FileKey, out var list) ? list.ToArray() : Array.Empty<Action<string>>();
        }

        foreach (var listener in listeners)
        {
            listener(workflowName);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ListenAsync(Action<string> onRunnable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onRunnable);
        var key = FileKey;
        lock (s_listeners)
        {
            if (!s_listeners.TryGetValue(key, out var list))
            {
                s_listeners[key] = list = new List<Action<string>>();
            }

            list.Add(onRunnable);
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (s_listeners)
            {
                var list = s_listeners[key];
                list.Remove(onRunnable);
                if (list.Count == 0)
                {
                    s_listeners.Remove(key);
                }
            }
        }
    }
}
