using System;
using Microsoft.Extensions.Logging;

namespace Workflows.Runtime;

/// <summary>The log messages of runs, source-generated: each checks IsEnabled before formatting anything.</summary>
internal static partial class RunLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Workflow {Workflow} started")]
    public static partial void WorkflowStarted(ILogger logger, string workflow);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Workflow {Workflow} completed in {DurationMs} ms")]
    public static partial void WorkflowCompleted(ILogger logger, string workflow, double durationMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Workflow {Workflow} ended {Status} after {DurationMs} ms")]
    public static partial void WorkflowFailed(ILogger logger, Exception? exception, string workflow, WorkflowRunStatus status, double durationMs);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Step {Step} of {Workflow} started")]
    public static partial void StepStarted(ILogger logger, string workflow, string step);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Step {Step} of {Workflow} completed in {DurationMs} ms after {Attempts} attempt(s)")]
    public static partial void StepCompleted(ILogger logger, string workflow, string step, double durationMs, int attempts);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Step {Step} of {Workflow} failed after {Attempts} attempt(s)")]
    public static partial void StepFailed(ILogger logger, Exception exception, string workflow, string step, int attempts);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Step {Step} of {Workflow} failed on attempt {Attempt}; retrying in {DelayMs} ms")]
    public static partial void StepRetrying(ILogger logger, Exception? exception, string workflow, string step, int attempt, double delayMs);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "Step {Step} of {Workflow} skipped")]
    public static partial void StepSkipped(ILogger logger, string workflow, string step);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Step {Step} of {Workflow} compensated")]
    public static partial void StepCompensated(ILogger logger, string workflow, string step);

    [LoggerMessage(EventId = 16, Message = "Step {Step} of {Workflow}: {Message}")]
    public static partial void StepMessage(ILogger logger, LogLevel level, string workflow, string step, string message);
}
