using System;
using Microsoft.Extensions.Logging;

namespace Workflows.Runtime;

/// <summary>A logger whose exceptions are caught and reported (<see cref="ListenerFailures"/>), never thrown into the run.</summary>
internal sealed class IsolatedLogger(ILogger inner, WorkflowRunReport? report) : ILogger
{
    private const string Name = "logger";

    /// <summary>A step's message (<see cref="StepContext.Log(LogLevel, string)"/>) when the level is enabled.</summary>
    public void LogStepMessage(LogLevel level, string workflow, string step, string message)
    {
        if (IsEnabled(level))
        {
            RunLog.StepMessage(this, level, workflow, step, message);
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        try
        {
            return inner.BeginScope(state);
        }
        catch (Exception e)
        {
            ListenerFailures.Report(e, Name, report);
            return null;
        }
    }

    public bool IsEnabled(LogLevel logLevel)
    {
        try
        {
            return inner.IsEnabled(logLevel);
        }
        catch (Exception e)
        {
            ListenerFailures.Report(e, Name, report);
            return false;
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
        catch (Exception e)
        {
            ListenerFailures.Report(e, Name, report);
        }
    }
}
