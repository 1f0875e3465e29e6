using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;

namespace Workflows.CrashWorker;

/// <summary>
/// The worker-pool modes of the crash worker, for the multi-process tests and benchmarks:
/// <c>--pool &lt;log-dir&gt;</c> is a host (a <see cref="WorkflowHostService"/>) that claims and runs enqueued runs
/// until its standard input closes, then drains and exits; <c>--enqueue &lt;count&gt; &lt;prefix&gt;</c> enqueues runs of
/// pool-io named prefix-0 .. prefix-(count-1), eight at a time (or, with <c>[spacing-ms]</c>, one at a time, a random pause apart).
/// </summary>
/// <remarks>
/// Environment: <c>POOL_MAX</c> (MaxConcurrentRuns, default 16), <c>POOL_CLAIM_MS</c> (ClaimInterval, default 1000),
/// <c>POOL_STEP_DELAY_MS</c> (each step's awaited I/O, default 2), <c>POOL_WAKEUPS=0</c> (no wake-up notices: poll only),
/// <c>CRASH_LEASE_MS</c> (lease, default 20000).
/// </remarks>
public static class PoolWorker
{
    public static async Task<int> ServeAsync(IWorkflowStore store, string logDirectory)
    {
        Directory.CreateDirectory(logDirectory);
        using var log = new StreamWriter(new FileStream(Path.Combine(logDirectory, $"worker-{Environment.ProcessId}.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var services = new ServiceCollection();
        services.AddSingleton(new PoolActions(log, Environment.ProcessId));
        services.AddSingleton(new WorkflowOptions { Store = Environment.GetEnvironmentVariable("POOL_WAKEUPS") == "0" ? new NoWakeups(store) : store, LeaseDuration = Lease() });
        services.AddSingleton<PoolIoWorkflow>();
        services.AddSingleton<PoolLimitedWorkflow>();
        services.AddWorkflows([PoolIoWorkflow.Registration, PoolLimitedWorkflow.Registration], options =>
        {
            options.MaxConcurrentRuns = Number("POOL_MAX", 16);
            options.ClaimInterval = TimeSpan.FromMilliseconds(Number("POOL_CLAIM_MS", 1000));
        });
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<WorkflowHostService>();
        log.WriteLine("starting");
        await host.StartAsync(CancellationToken.None);
        log.WriteLine("ready");
        Console.WriteLine("READY");
        Console.Out.Flush();

        // Runs until the test (or benchmark) closes standard input; a SIGKILL ends it anywhere.
        await Console.In.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(timeout.Token);
        Console.WriteLine("STOPPED");
        return 0;
    }

    public static async Task<int> EnqueueAsync(IWorkflowStore store, int count, string prefix, int spacingMs = 0)
    {
        var workflow = new PoolIoWorkflow(new PoolActions(StreamWriter.Null, Environment.ProcessId), new WorkflowOptions { Store = store });
        if (spacingMs > 0)
        {
            // One at a time, a random pause between them: for the latency benchmark, each lands at a random point of the
            // hosts' poll interval, with the pool idle.
            for (var index = 0; index < count; index++)
            {
                await Task.Delay(Random.Shared.Next(spacingMs / 2, spacingMs));
                await workflow.StartAsync($"{prefix}-{index}");
            }

            Console.WriteLine($"ENQUEUED {count}");
            return 0;
        }

        var next = -1;
        var enqueuers = new List<Task>();
        for (var i = 0; i < 8; i++)
        {
            enqueuers.Add(Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < count)
                {
                    await workflow.StartAsync($"{prefix}-{index}");
                }
            }));
        }

        await Task.WhenAll(enqueuers);
        Console.WriteLine($"ENQUEUED {count}");
        return 0;
    }

    /// <summary>
    /// Enqueues runs of pool-limited one after another (so their enqueue order is their index): customer c(i mod 4),
    /// priority (i * 7) mod 3, named prefix-0 .. prefix-(count-1).
    /// </summary>
    public static async Task<int> EnqueueLimitedAsync(IWorkflowStore store, int count, string prefix)
    {
        var workflow = new PoolLimitedWorkflow(new PoolActions(StreamWriter.Null, Environment.ProcessId), new WorkflowOptions { Store = store });
        for (var index = 0; index < count; index++)
        {
            await workflow.StartAsync(new PoolLimitedWorkflow.Inputs { Customer = "c" + (index % 4), Priority = index * 7 % 3 }, $"{prefix}-{index}");
        }

        Console.WriteLine($"ENQUEUED {count}");
        return 0;
    }

    private static TimeSpan Lease() => TimeSpan.FromMilliseconds(Number("CRASH_LEASE_MS", 20_000));

    private static int Number(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    /// <summary>The store without its wake-up notices, to measure polling alone.</summary>
    private sealed class NoWakeups(IWorkflowStore inner) : DelegatingWorkflowStore(inner)
    {
        public override ValueTask NotifyRunnableAsync(string workflowName, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override async Task ListenAsync(Action<string> onRunnable, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}

/// <summary>
/// pool-io's one action: logs "exec run step pid utc-ticks" when it starts (the side effect the test counts), then
/// awaits a few milliseconds of "I/O".
/// </summary>
/// <remarks>
/// pool-limited's action (<c>pool.limited</c>) logs "enter" and "leave" lines instead: the test replays every
/// execution's interval per customer (a killed process's last ones end at its kill) and checks the limit and the order.
/// </remarks>
public sealed class PoolActions(StreamWriter log, int processId)
{
    private static readonly int StepDelay = int.TryParse(Environment.GetEnvironmentVariable("POOL_STEP_DELAY_MS"), out var ms) ? ms : 2;
    private readonly Lock _gate = new();

    [WorkflowAction("pool.io")]
    public async Task<string> IoAsync(StepContext context)
    {
        lock (_gate)
        {
            log.WriteLine($"exec {context.RunId} {context.StepId} {processId} {DateTime.UtcNow.Ticks}");
        }

        if (StepDelay > 0)
        {
            await Task.Delay(StepDelay, context.CancellationToken);
        }

        return context.StepId;
    }

    [WorkflowAction("pool.limited")]
    public async Task LimitedAsync(string customer, StepContext context)
    {
        lock (_gate)
        {
            log.WriteLine($"enter {context.RunId} {customer} {processId} {DateTime.UtcNow.Ticks}");
        }

        await Task.Delay(Math.Max(StepDelay, 1) * 5, context.CancellationToken);
        lock (_gate)
        {
            log.WriteLine($"leave {context.RunId} {customer} {processId} {DateTime.UtcNow.Ticks}");
        }
    }
}
