using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Polly.Timeout;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// Retries and timeouts on a manual clock: each test waits for the next timer to be scheduled, checks its
/// due time and moves the clock past it. Nothing sleeps.
/// </summary>
public sealed class ResilienceTests
{
    private readonly ManualTimeProvider _time = new();

    private WorkflowOptions Options => new() { TimeProvider = _time };

    /// <summary>Advances through every retry delay until the run completes, returning the delays seen.</summary>
    private async Task<List<TimeSpan>> DriveAsync(Task run)
    {
        var delays = new List<TimeSpan>();
        while (!run.IsCompleted)
        {
            var pending = Task.WhenAny(run, _time.WaitForPendingAsync());
            await pending.WaitAsync(TimeSpan.FromSeconds(30));
            if (run.IsCompleted)
            {
                break;
            }

            var due = _time.Pending()[0];
            delays.Add(due);
            _time.Advance(due);
        }

        return delays;
    }

    [Fact]
    public async Task Constant_backoff_retries_the_listed_exception_with_equal_delays()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<TimeoutException>(3) };

        var run = new RetryConstantWorkflow(flaky, Options).RunAsync().AsTask();
        var delays = await DriveAsync(run);
        await run;

        Assert.Equal(4, flaky.Attempts);
        Assert.Equal(new[] { 200, 200, 200 }, delays.ConvertAll(d => (int)d.TotalMilliseconds));
    }

    [Fact]
    public async Task Linear_backoff_grows_by_the_delay_each_attempt()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<InvalidOperationException>(3) };

        var run = new RetryLinearWorkflow(flaky, Options).RunAsync().AsTask();
        var delays = await DriveAsync(run);
        await run;

        Assert.Equal(new[] { 200, 400, 600 }, delays.ConvertAll(d => (int)d.TotalMilliseconds));
    }

    [Fact]
    public async Task Exponential_backoff_doubles_up_to_max_delay_and_the_output_is_the_successful_attempts()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<InvalidOperationException>(3) };

        var run = new RetryExponentialWorkflow(flaky, Options).RunAsync().AsTask();
        var delays = await DriveAsync(run);
        await run;

        Assert.Equal(new[] { 200, 400, 700 }, delays.ConvertAll(d => (int)d.TotalMilliseconds));
        Assert.Equal(4, flaky.Attempts);
    }

    [Fact]
    public async Task Jitter_keeps_each_delay_within_a_quarter_of_the_base_delay()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<InvalidOperationException>(5) };

        var run = new RetryJitterWorkflow(flaky, Options).RunAsync().AsTask();
        var delays = await DriveAsync(run);
        await run;

        Assert.Equal(5, delays.Count);
        Assert.All(delays, d => Assert.InRange(d.TotalMilliseconds, 150, 250));
    }

    [Fact]
    public async Task When_attempts_run_out_the_failure_names_the_step_and_the_attempts()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<TimeoutException>(10) };

        var run = new RetryConstantWorkflow(flaky, Options).RunAsync().AsTask();
        await DriveAsync(run);
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => run);

        Assert.Equal(4, failure.Attempts);
        Assert.Equal("flaky", failure.StepId);
        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.StartsWith("Workflow 'retry-constant' failed at step 'flaky' after 4 attempts:", failure.Message);
    }

    [Fact]
    public async Task Exceptions_not_listed_in_retry_on_are_not_retried()
    {
        var flaky = new Flaky { Behavior = Flaky.FailFirst<InvalidOperationException>(1) };

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => new RetryConstantWorkflow(flaky, Options).RunAsync().AsTask());

        Assert.Equal(1, flaky.Attempts);
        Assert.Equal(1, failure.Attempts);
        Assert.Empty(_time.Pending());
    }

    [Fact]
    public async Task A_per_attempt_timeout_cancels_the_attempt_and_the_retry_succeeds()
    {
        var firstAttemptToken = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flaky = new Flaky
        {
            Behavior = async (attempt, token) =>
            {
                if (attempt == 1)
                {
                    firstAttemptToken.SetResult(token);
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };

        var run = new AttemptTimeoutWorkflow(flaky, Options).RunAsync().AsTask();
        var token = await firstAttemptToken.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _time.WaitForPendingAsync();
        Assert.Equal(TimeSpan.FromSeconds(1), _time.Pending()[0]);
        _time.Advance(TimeSpan.FromSeconds(1)); // the attempt times out
        Assert.True(token.IsCancellationRequested);

        var delays = await DriveAsync(run);
        await run;

        Assert.Equal(2, flaky.Attempts);
        Assert.Contains(TimeSpan.FromMilliseconds(100), delays);
    }

    [Fact]
    public async Task An_attempt_timeout_with_no_attempts_left_fails_with_Pollys_timeout()
    {
        var flaky = new Flaky { Behavior = static (_, token) => Task.Delay(Timeout.Infinite, token) };

        var run = new AttemptTimeoutWorkflow(flaky, Options).RunAsync().AsTask();
        await DriveAsync(run);
        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => run);

        Assert.Equal(2, failure.Attempts);
        Assert.IsType<TimeoutRejectedException>(failure.InnerException);
    }

    [Fact]
    public async Task The_workflow_timeout_cancels_the_run_and_throws_TimeoutException()
    {
        var started = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flaky = new Flaky
        {
            Behavior = async (_, token) =>
            {
                started.SetResult(token);
                await Task.Delay(Timeout.Infinite, token);
            },
        };

        var run = new WorkflowTimeoutWorkflow(flaky, Options).RunAsync().AsTask();
        var token = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromMinutes(2), _time.Pending()[0]);
        _time.Advance(TimeSpan.FromMinutes(2));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("Workflow 'workflow-timeout' did not finish within its timeout of 2m.", timeout.Message);
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task An_actions_own_cancellation_is_a_failure_and_is_retried()
    {
        // An HttpClient timeout throws TaskCanceledException while the run's token is not cancelled.
        var flaky = new Flaky { Behavior = Flaky.FailFirst<TaskCanceledException>(2) };

        var run = new RetryLinearWorkflow(flaky, Options).RunAsync().AsTask();
        var delays = await DriveAsync(run);
        await run;

        Assert.Equal(3, flaky.Attempts);
        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task Caller_cancellation_during_a_retry_delay_is_not_retried()
    {
        using var cancellation = new CancellationTokenSource();
        var flaky = new Flaky { Behavior = Flaky.FailFirst<TimeoutException>(10) };

        var run = new RetryConstantWorkflow(flaky, Options).RunAsync(cancellation.Token).AsTask();
        await _time.WaitForPendingAsync(); // first retry delay scheduled
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, flaky.Attempts);
    }

    [Fact]
    public async Task Without_options_a_workflow_runs_on_the_system_clock()
    {
        var flaky = new Flaky();

        await new RetryConstantWorkflow(flaky).RunAsync();

        Assert.Equal(1, flaky.Attempts);
    }
}
