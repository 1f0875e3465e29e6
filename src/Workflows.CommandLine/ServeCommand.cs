using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Hosting;

namespace Workflows.CommandLine;

/// <summary><c>serve</c>: recovers durable runs and fires schedules until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var shutdownTimeout = new Option<double>("--shutdown-timeout")
        {
            Description = "Seconds that running steps get to finish after Ctrl+C or SIGTERM before they are cancelled (durable runs stay resumable either way).",
            DefaultValueFactory = _ => DefaultShutdownTimeout.TotalSeconds,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds <= int.MaxValue)
                {
                    return seconds;
                }

                result.AddError($"--shutdown-timeout must be a number of seconds, 0 or more, not '{text}'.");
                return 0;
            },
        };
        var maxConcurrentRuns = new Option<int?>("--max-concurrent-runs")
        {
            Description = "How many durable runs this process runs at once (WorkflowHostOptions.MaxConcurrentRuns, 16 by default); it claims more as they end.",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var runs) && runs >= 1)
                {
                    return runs;
                }

                result.AddError($"--max-concurrent-runs must be a whole number of runs, 1 or more, not '{text}'.");
                return null;
            },
        };
        var command = new Command("serve", "Recover durable runs, run enqueued and runnable ones, and run the workflows' schedules until Ctrl+C or SIGTERM.") { shutdownTimeout, maxConcurrentRuns };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(
            () => ServeAsync(context, parse, TimeSpan.FromSeconds(parse.GetValue(shutdownTimeout)), parse.GetValue(maxConcurrentRuns), cancellationToken),
            CancellationToken.None));
        return command;
    }

    /// <summary>The generic host's default shutdown timeout.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long cancelled runs get to unwind after the shutdown timeout, before the store is closed under them.</summary>
    private static readonly TimeSpan s_unwindTimeout = TimeSpan.FromSeconds(10);

    private static async Task<int> ServeAsync(CliContext context, ParseResult parse, TimeSpan shutdownTimeout, int? maxConcurrentRuns, CancellationToken cancellationToken)
    {
        var registrations = context.Catalog.Registrations;
        var durable = registrations.Any(r => r.IsDurable);
        var provider = context.BuildProvider(parse, new ServeObserver(context.Error), durable, host: true, configureHost: maxConcurrentRuns is { } max ? options => options.MaxConcurrentRuns = max : null);
        await using (provider.ConfigureAwait(false))
        {
            var error = context.Error;
            var host = provider.GetRequiredService<WorkflowHostService>();
            foreach (var registration in registrations)
            {
                foreach (var schedule in registration.Schedules)
                {
                    var line = $"{registration.Name}: {schedule.Cron} ({schedule.TimeZone})";
                    line += registration.RunScheduledAsync is null
                        ? " not scheduled: the workflow has required inputs"
                        : " next " + InfoCommands.NextText(schedule, context.Time);
                    await error.WriteLineAsync(line).ConfigureAwait(false);
                }
            }

            if (!registrations.Any(r => r.Schedules.Count > 0))
            {
                await error.WriteLineAsync("No workflow has a schedule.").ConfigureAwait(false);
            }

            if (durable)
            {
                await error.WriteLineAsync($"Durable runs in {context.StoreName(parse)} are recovered at start.").ConfigureAwait(false);
            }

            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            await error.WriteLineAsync("serving; press Ctrl+C to stop").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            await error.WriteLineAsync($"stopping: running steps get {shutdownTimeout.TotalSeconds:0.###} s to finish (Ctrl+C again to end now)").ConfigureAwait(false);

            // The shutdown timeout is what the generic host gives its services: past it, what still runs is cancelled.
            using (var shutdown = new CancellationTokenSource(shutdownTimeout))
            {
                await host.StopAsync(shutdown.Token).ConfigureAwait(false);
                if (shutdown.IsCancellationRequested)
                {
                    await error.WriteLineAsync("shutdown timeout passed: cancelled what was still running").ConfigureAwait(false);
                }
            }

            if (host.ExecuteTask is { } executing)
            {
                await executing.WaitAsync(s_unwindTimeout, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            host.Dispose();
            await error.WriteLineAsync("stopped").ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }
}
