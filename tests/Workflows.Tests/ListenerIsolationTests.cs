using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// Observers, progress handlers and loggers are the app's code running inside a run: whatever they throw, the
/// run's outcome is the same, and the exceptions are in the report's <see cref="WorkflowRunReport.ListenerFailures"/>.
/// </summary>
public sealed class ListenerIsolationTests
{
    private sealed class ThrowingObserver : IWorkflowObserver
    {
        public int Calls;

        private Exception Fail() => new InvalidOperationException("observer broke " + System.Threading.Interlocked.Increment(ref Calls));

        public void WorkflowStarted(string workflowName) => throw Fail();

        public void WorkflowCompleted(string workflowName, TimeSpan duration) => throw Fail();

        public void WorkflowFailed(string workflowName, TimeSpan duration, Exception exception) => throw Fail();

        public void StepStarted(string workflowName, string stepId) => throw Fail();

        public void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration) => throw Fail();

        public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception) => throw Fail();

        public void StepSkipped(string workflowName, string stepId) => throw Fail();

        public void StepMessage(string workflowName, string stepId, string message) => throw Fail();
    }

    private sealed class ThrowingProgress : IProgress<WorkflowProgress>
    {
        public void Report(WorkflowProgress value) => throw new InvalidOperationException("progress broke");
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => throw new InvalidOperationException("scope broke");

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => throw new InvalidOperationException("logger broke");
    }

    [Theory]
    [InlineData("observer")]
    [InlineData("progress")]
    [InlineData("logger")]
    public async Task A_throwing_listener_changes_nothing_in_a_concurrent_run(string listener)
    {
        var probe = new Probe();
        var observer = new ThrowingObserver();
        var options = listener switch
        {
            "observer" => new WorkflowOptions { Observer = observer },
            "progress" => new WorkflowOptions { Progress = new ThrowingProgress() },
            _ => new WorkflowOptions { Logger = new ThrowingLogger() },
        };

        var result = await new DiamondWorkflow(probe, options).RunWithReportAsync();

        Assert.Equal(WorkflowRunStatus.Succeeded, result.Report.Status);
        Assert.All(result.Report.Steps, s => Assert.Equal(StepStatus.Succeeded, s.Status));
        Assert.Equal(new[] { "join", "left", "right", "start" }, probe.Finished.Order());
        Assert.NotEmpty(result.Report.ListenerFailures);
        Assert.All(result.Report.ListenerFailures, e => Assert.Contains("broke", e.Message));
        if (listener == "observer")
        {
            // Every event was delivered (and threw): started, 4 x (started, completed), completed.
            Assert.Equal(10, observer.Calls);
            Assert.Equal(10, result.Report.ListenerFailures.Count);
        }
    }

    [Fact]
    public async Task A_throwing_observer_changes_nothing_in_a_sequential_failed_run()
    {
        var observer = new ThrowingObserver();

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new SyncFailWorkflow(new WorkflowOptions { Observer = observer }).RunAsync().AsTask());

        Assert.Contains("broken on purpose", failure.Message);
        Assert.DoesNotContain("observer broke", failure.ToString());
    }

    [Fact]
    public void A_step_that_logs_is_not_failed_by_its_listeners()
    {
        var observer = new ThrowingObserver();
        var context = new StepContext("w", "s", 1, new WorkflowOptions { Observer = observer, Logger = new ThrowingLogger() }, default);

        context.Log("hello");

        Assert.Equal(1, observer.Calls);
    }
}
