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
        services.AddWorkflows([PoolIoWorkflow.Registration], options =>
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
/// For the limits across runs (<c>concurrency: {limit, key}</c>, <c>priority:</c>), a second workflow goes here whose
/// action increments a per-key counter row in PostgreSQL on entry (<c>INSERT .. ON CONFLICT DO UPDATE SET n = n + 1
/// RETURNING n</c>), records the highest value seen in another row (<c>GREATEST</c>), and decrements it on exit; the
/// test then asserts the recorded maximum per key never exceeded the limit, with the runs spread over these processes.
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
}
