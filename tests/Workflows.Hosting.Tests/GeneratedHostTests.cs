using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Sqlite;
using Xunit;

namespace Workflows.Hosting.Tests;

/// <summary>
/// The generated <c>services.AddWorkflows()</c>, and a generated durable workflow run by the host: a stop drains it
/// (the running step finishes, no new one starts) and leaves it for the next start, which continues it.
/// </summary>
public sealed class GeneratedHostTests : IDisposable
{
    private const string RunId = "schedule:nightly-import:2026-11-22T01:00Z"; // 02:00 in Berlin
    private static readonly TimeSpan s_guard = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("workflows-generated-host-").FullName;
    private readonly SqliteWorkflowStore _store;

    public GeneratedHostTests() => _store = new SqliteWorkflowStore(Path.Combine(_directory, "runs.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private ServiceProvider Build(NightlyActions? actions, ManualTimeProvider clock, string owner)
    {
        var services = new ServiceCollection();
        if (actions is not null)
        {
            services.AddSingleton(actions);
        }

        // The store checks leases against the real time; the manual clock stands still, so the lease is long.
        services.AddSingleton(new WorkflowOptions { TimeProvider = clock, Store = _store, Owner = owner, LeaseDuration = TimeSpan.FromDays(3650) });
        services.AddWorkflows(); // generated: this project's workflows, their action classes, the host service
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_generated_AddWorkflows_registers_the_workflows_their_action_classes_and_the_host()
    {
        using var provider = Build(actions: null, new ManualTimeProvider(), "host");

        var catalog = provider.GetRequiredService<WorkflowCatalog>();
        Assert.Same(NightlyImportWorkflow.Registration, catalog["nightly-import"]);
        Assert.Equal(WorkflowRegistrations.All.Count, catalog.Registrations.Count);
        Assert.NotNull(provider.GetRequiredService<NightlyActions>()); // registered by the generated code: it has a public constructor
        Assert.Same(provider.GetRequiredService<NightlyImportWorkflow>(), provider.GetRequiredService<NightlyImportWorkflow>());
        Assert.Contains(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is WorkflowHostService);
    }

    [Fact]
    public void The_app_s_own_registration_of_an_action_class_wins()
    {
        var mine = new NightlyActions();
        using var provider = Build(mine, new ManualTimeProvider(), "host");

        Assert.Same(mine, provider.GetRequiredService<NightlyActions>());
    }

    [Fact]
    public async Task A_stop_lets_the_running_step_finish_starts_no_other_and_the_next_start_continues_the_run()
    {
        var clock = new ManualTimeProvider();
        var loadStarted = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseLoad = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new NightlyActions
        {
            Before = async (name, token) =>
            {
                if (name == "load")
                {
                    loadStarted.SetResult(token);
                    await releaseLoad.Task;
                }
            },
        };

        await using (var provider = Build(first, clock, "host-1"))
        {
            var host = provider.GetRequiredService<WorkflowHostService>();
            await host.StartAsync(CancellationToken.None);
            await clock.WaitForPendingAsync();
            clock.Advance(TimeSpan.FromHours(1));
            var loadToken = await loadStarted.Task.WaitAsync(s_guard);

            var stopping = host.StopAsync(CancellationToken.None); // no shutdown timeout: everything may finish
            Assert.False(loadToken.IsCancellationRequested);
            Assert.False(stopping.IsCompleted);
            releaseLoad.SetResult();
            await stopping.WaitAsync(s_guard);
        }

        var run = await _store.GetRunAsync(RunId);
        Assert.Equal(RunStatus.Pending, run!.Status);
        Assert.Equal(new[] { "extract", "load" }, (await _store.GetStepsAsync(RunId)).Select(s => s.StepId).Order(StringComparer.Ordinal));
        Assert.False(first.Calls.ContainsKey("report"));
        Assert.Contains(await _store.GetEventsAsync(RunId), e => e.Kind == "released");

        await ContinueOnNextStartAsync(clock, rerun: Array.Empty<string>());
    }

    [Fact]
    public async Task A_step_still_running_at_the_shutdown_timeout_is_cancelled_and_the_run_stays_resumable()
    {
        var clock = new ManualTimeProvider();
        var loadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new NightlyActions
        {
            Before = async (name, token) =>
            {
                if (name == "load")
                {
                    loadStarted.SetResult();
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                }
            },
        };

        await using (var provider = Build(first, clock, "host-1"))
        {
            var host = provider.GetRequiredService<WorkflowHostService>();
            await host.StartAsync(CancellationToken.None);
            await clock.WaitForPendingAsync();
            clock.Advance(TimeSpan.FromHours(1));
            await loadStarted.Task.WaitAsync(s_guard);

            using var shutdownTimeout = new CancellationTokenSource();
            var stopping = host.StopAsync(shutdownTimeout.Token);
            Assert.False(stopping.IsCompleted); // the step holds the stop until the timeout
            shutdownTimeout.Cancel();
            await stopping.WaitAsync(s_guard);
            await WaitUntilAsync(async () => (await _store.GetRunAsync(RunId))?.Status == RunStatus.Pending);
        }

        Assert.Equal(new[] { "extract" }, (await _store.GetStepsAsync(RunId)).Select(s => s.StepId));
        await ContinueOnNextStartAsync(clock, rerun: new[] { "load" });
    }

    /// <summary>A second host on the same store recovers the run at start: only what was not recorded runs.</summary>
    private async Task ContinueOnNextStartAsync(ManualTimeProvider clock, string[] rerun)
    {
        var reportStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new NightlyActions
        {
            Before = (name, _) =>
            {
                if (name == "report")
                {
                    reportStarted.SetResult();
                }

                return Task.CompletedTask;
            },
        };

        await using var provider = Build(second, clock, "host-2");
        var host = provider.GetRequiredService<WorkflowHostService>();
        await host.StartAsync(CancellationToken.None);
        await reportStarted.Task.WaitAsync(s_guard);
        await host.StopAsync(CancellationToken.None); // drains: the last step finishes, the run completes

        var run = await _store.GetRunAsync(RunId);
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Contains("report done", run.OutputsJson);
        Assert.Equal(rerun.Append("report").Order(StringComparer.Ordinal), second.Calls.Keys.Order(StringComparer.Ordinal));
        Assert.All(second.Calls.Values, calls => Assert.Equal(1, calls));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + s_guard;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
