using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Workflows.BuiltIns.Tests;

/// <summary>A fresh directory under the system temp directory, deleted at the end of the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("wf-builtins-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Contexts
{
    public static StepContext For(WorkflowOptions options, CancellationToken cancellationToken = default)
        => new("test-flow", "step", 1, options, cancellationToken);

    public static StepContext ForRoot(string root, CancellationToken cancellationToken = default)
        => For(new WorkflowOptions { FileRoot = root }, cancellationToken);
}

/// <summary>Polls a condition until it holds or a deadline passes: the deadline guards a hung test, it proves nothing.</summary>
public static class Eventually
{
    public static async Task<bool> HoldsAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }
}

public sealed class RecordingObserver : IWorkflowObserver
{
    public ConcurrentQueue<(string Workflow, string Step, string Message)> Messages { get; } = new();

    public void StepMessage(string workflowName, string stepId, string message) => Messages.Enqueue((workflowName, stepId, message));
}

public sealed class RecordingLogger(LogLevel minimum) : ILogger
{
    public List<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
