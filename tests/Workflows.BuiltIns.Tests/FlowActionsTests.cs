using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Workflows.BuiltIns.Tests;

public sealed class FlowActionsTests
{
    [Fact]
    public async Task Wait_waits_on_the_run_clock_for_the_whole_duration()
    {
        var clock = new ManualTimeProvider();
        var wait = FlowActions.WaitAsync("1m30s", Contexts.For(new WorkflowOptions { TimeProvider = clock }));

        await clock.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromSeconds(90), Assert.Single(clock.Pending()));
        clock.Advance(TimeSpan.FromSeconds(89));
        Assert.False(wait.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));

        await wait.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Wait_is_cancellable()
    {
        var clock = new ManualTimeProvider();
        using var cancellation = new CancellationTokenSource();
        var wait = FlowActions.WaitAsync("2h", Contexts.For(new WorkflowOptions { TimeProvider = clock }, cancellation.Token));
        await clock.WaitForPendingAsync();

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Theory]
    [InlineData("soon", "'soon'")]
    [InlineData("30x", "'x' is not a unit")]
    [InlineData("30s1m", "largest to smallest")]
    [InlineData("", "empty")]
    public void Wait_with_a_bad_duration_names_the_text(string duration, string expected)
    {
        var error = Assert.Throws<FormatException>(() => { _ = FlowActions.WaitAsync(duration, Contexts.For(new WorkflowOptions())); });

        Assert.Contains(expected, error.Message);
        Assert.Contains("'duration'", error.Message);
    }

    [Fact]
    public void Log_reaches_the_observer_and_the_logger_at_its_level()
    {
        var observer = new RecordingObserver();
        var logger = new RecordingLogger(LogLevel.Information);
        var context = new StepContext("deploy", "announce", 1, new WorkflowOptions { Observer = observer, Logger = logger }, CancellationToken.None);

        FlowActions.Log("shipping v2", context);
        FlowActions.Log("disk nearly full", context, LogLevel.Warning);
        FlowActions.Log("noise", context, LogLevel.Debug);

        Assert.Equal(
            new[] { ("deploy", "announce", "shipping v2"), ("deploy", "announce", "disk nearly full"), ("deploy", "announce", "noise") },
            observer.Messages.ToArray());
        Assert.Equal(
            new[] { (LogLevel.Information, "Step announce of deploy: shipping v2"), (LogLevel.Warning, "Step announce of deploy: disk nearly full") },
            logger.Entries.ToArray());
    }

    [Fact]
    public void Fail_throws_with_the_message()
    {
        var error = Assert.Throws<WorkflowStepFailedException>(() => FlowActions.Fail("quota exceeded for tenant 42"));

        Assert.Equal("quota exceeded for tenant 42", error.Message);
    }
}
