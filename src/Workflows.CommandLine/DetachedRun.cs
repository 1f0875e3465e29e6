using System;
using System.CommandLine;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Hosting;

namespace Workflows.CommandLine;

/// <summary>
/// <c>run --detach</c> and <c>status --wait</c>: a durable run enqueued here and run by a host (<c>serve</c>), and a
/// wait for any run's end from any process.
/// </summary>
internal static class DetachedRun
{
    /// <summary>How often <c>status --wait</c> reads the run: a cheap indexed read, often enough for a person.</summary>
    private static readonly TimeSpan s_waitInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Records the run pending with its inputs, prints its id on stdout and returns. The run is begun through the
    /// registration with a drain already requested, so it is recorded exactly as a run started here (inputs, definition
    /// hash, an idempotent id) but starts no step: it is released at once as pending for a host to claim.
    /// </summary>
    public static async Task<int> EnqueueAsync(CliContext context, ParseResult parse, WorkflowRegistration registration, WorkflowInputValues values, string runId, CancellationToken cancellationToken)
    {
        var provider = context.BuildProvider(parse, null, durable: true);
        await using (provider.ConfigureAwait(false))
        {
            var store = provider.GetRequiredService<IWorkflowStore>();
            var existing = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                using var drained = new CancellationTokenSource();
                await drained.CancelAsync().ConfigureAwait(false);
                var workflow = CliContext.Create(registration, new EnqueueingServices(provider, drained.Token));
                try
                {
                    await registration.InvokeAsync!(workflow, values, runId, cancellationToken).ConfigureAwait(false);
                }
                catch (WorkflowRunPausedException)
                {
                    // Expected: released before its first step.
                }
                catch (Exception exception) when (exception is not OperationCanceledException || cancellationToken.IsCancellationRequested)
                {
                    return await RunCommands.FailedAsync(context, registration.Name, runId, exception, cancellationToken).ConfigureAwait(false);
                }

                var options = provider.GetRequiredService<WorkflowOptions>();
                await store.AppendEventAsync(new RunEvent(runId, 0, context.Time.GetUtcNow(), "enqueued", null, "by the command line (run --detach)"), cancellationToken).ConfigureAwait(false);
                await RunnableNotice.SendAsync(options.Store, registration.Name).ConfigureAwait(false);
            }
            else if (existing.WorkflowName != registration.Name)
            {
                throw new RefusedException($"Run id '{runId}' belongs to workflow '{existing.WorkflowName}', not '{registration.Name}'. Run ids are unique across workflows.");
            }

            var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            await context.Out.WriteLineAsync(runId).ConfigureAwait(false);
            await context.Error.WriteLineAsync(existing is null
                ? $"run {runId} of {registration.Name} is pending: a 'serve' process runs it; 'status {runId} --wait' waits for it."
                : $"run {runId} of {registration.Name} exists already ({Format.Status(run!.Status)}): nothing was enqueued.").ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }

    /// <summary>
    /// Waits until run <paramref name="runId"/> ends (reading it every half second), prints its outputs (succeeded) or
    /// error, and returns the exit code of its final status: 0 succeeded, 1 failed or cancelled.
    /// </summary>
    public static async Task<int> WaitAsync(CliContext context, IWorkflowStore store, ParseResult parse, string runId, CancellationToken cancellationToken)
    {
        var announced = false;
        while (true)
        {
            var run = await context.GetRunAsync(store, parse, runId, cancellationToken).ConfigureAwait(false);
            switch (run.Status)
            {
                case RunStatus.Succeeded:
                    if (run.OutputsJson is { } outputs)
                    {
                        JsonOutput.WritePretty(context.Out, outputs);
                    }

                    await context.Error.WriteLineAsync($"run {Format.Terminal(runId)} succeeded").ConfigureAwait(false);
                    return ExitCodes.Success;
                case RunStatus.Failed:
                    await context.Error.WriteLineAsync($"error: run {Format.Terminal(runId)} failed: {Format.Terminal(run.Error ?? "no error was recorded")}").ConfigureAwait(false);
                    await context.Error.WriteLineAsync($"Fix the cause, then 'retry {Format.Terminal(runId)}' runs it again from the failed steps.").ConfigureAwait(false);
                    return ExitCodes.Failed;
                case RunStatus.Cancelled:
                    await context.Error.WriteLineAsync($"cancelled: run {Format.Terminal(runId)} was cancelled; 'retry {Format.Terminal(runId)}' continues it from the steps that did not complete.").ConfigureAwait(false);
                    return ExitCodes.Failed;
            }

            if (!announced)
            {
                announced = true;
                await context.Error.WriteLineAsync($"waiting for run {Format.Terminal(runId)} ({Format.Status(run.Status)}) to end").ConfigureAwait(false);
            }

            await Task.Delay(s_waitInterval, context.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The command's services, with the workflow's options drained: a run begun with them starts no step.</summary>
    private sealed class EnqueueingServices(IServiceProvider inner, CancellationToken drained) : IServiceProvider
    {
        private WorkflowOptions? _options;

        public object? GetService(Type serviceType)
            => serviceType == typeof(WorkflowOptions)
                ? _options ??= inner.GetRequiredService<WorkflowOptions>().WithDrainToken(drained)
                : inner.GetService(serviceType);
    }
}
