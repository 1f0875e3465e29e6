using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Workflows.Tests;

/// <summary>A logger that keeps formatted messages at or above a level.</summary>
public sealed class ListLogger(LogLevel minimum) : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Messages.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}

public sealed class LoggingTests
{
    [Fact]
    public async Task Runs_and_steps_are_logged_at_their_levels()
    {
        var logger = new ListLogger(LogLevel.Debug);

        await Assert.ThrowsAsync<WorkflowFailedException>(() => new SyncFailWorkflow(new WorkflowOptions { Logger = logger }).RunAsync().AsTask());

        var messages = logger.Messages.ToList();
        Assert.Contains((LogLevel.Debug, "Workflow sync-fail started"), messages);
        Assert.Contains((LogLevel.Debug, "Step ok of sync-fail started"), messages);
        Assert.Contains((LogLevel.Error, "Step broken of sync-fail failed after 1 attempt(s)"), messages);
        Assert.Contains(messages, m => m.Level == LogLevel.Error && m.Message.StartsWith("Workflow sync-fail ended Failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Levels_that_are_off_log_nothing()
    {
        var logger = new ListLogger(LogLevel.None);

        await new ChainWorkflow(new Probe(), new WorkflowOptions { Logger = logger }).RunAsync();

        Assert.Empty(logger.Messages);
    }
}
