using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Workflows.Text;

namespace Workflows.BuiltIns;

/// <summary>The built-in <c>wait</c>, <c>log</c> and <c>fail</c> actions.</summary>
public static class FlowActions
{
    /// <summary>Waits for a duration on the run's clock (<see cref="WorkflowOptions.TimeProvider"/>); cancellable.</summary>
    /// <param name="duration">A duration: <c>500ms</c>, <c>10s</c>, <c>1m30s</c>, <c>2h</c>.</param>
    /// <param name="context">The step.</param>
    /// <returns>A task that completes when the time has passed.</returns>
    [WorkflowAction("wait", Description = "Waits for a duration (500ms, 10s, 1m30s) on the run's clock.")]
    public static Task WaitAsync(string duration, StepContext context)
    {
        var delay = DurationParser.Parse(duration, nameof(duration));
        return Task.Delay(delay, context.TimeProvider, context.CancellationToken);
    }

    /// <summary>
    /// Writes a message to the run's logger (at <paramref name="level"/>) and observer
    /// (<see cref="IWorkflowObserver.StepMessage"/>).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="context">The step.</param>
    /// <param name="level">The log level: <c>trace</c>, <c>debug</c>, <c>information</c> (the default), <c>warning</c>, <c>error</c>, <c>critical</c>.</param>
    [WorkflowAction("log", Description = "Writes a message to the run's logger and observer.")]
    public static void Log(string message, StepContext context, LogLevel level = LogLevel.Information)
        => context.Log(level, message ?? string.Empty);

    /// <summary>Fails the step with a message, throwing <see cref="WorkflowStepFailedException"/>.</summary>
    /// <param name="message">Why the workflow fails: what <c>failure.message</c> reads.</param>
    [WorkflowAction("fail", Description = "Fails the step with a message.")]
    [DoesNotReturn]
    public static void Fail(string message)
        => throw new WorkflowStepFailedException(string.IsNullOrWhiteSpace(message) ? "The workflow failed the step with the fail action." : message);
}
