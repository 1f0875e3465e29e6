using System;
using System.CommandLine;
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
        var command = new Command("serve", "Recover durable runs and run the workflows' schedules until Ctrl+C or SIGTERM.");
        command.SetAction((parse, cancellationToken) => context.GuardAsync(() => ServeAsync(context, parse, cancellationToken), CancellationToken.None));
        return command;
    }

    private static async Task<int> ServeAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        var registrations = context.Catalog.Registrations;
        var durable = registrations.Any(r => r.IsDurable);
        var provider = context.BuildProvider(parse, new ServeObserver(context.Error), durable, host: true);
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

            await error.WriteLineAsync("stopping: waiting for running runs to stop (Ctrl+C again to end now)").ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            await error.WriteLineAsync("stopped").ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }
}
