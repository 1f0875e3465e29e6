using System;
using System.CommandLine;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Text;

namespace Workflows.CommandLine;

/// <summary><c>runs purge</c>: deletes finished runs older than a duration (retention).</summary>
internal static class PurgeCommand
{
    public static Command Create(CliContext context)
    {
        var olderThan = new Option<string>("--older-than")
        {
            Description = "Delete runs that finished longer ago than this duration (30d, 12h, 1d12h).",
            Required = true,
        };
        var workflow = new Option<string?>("--workflow", "-w") { Description = "Only the runs of this workflow." };
        var status = new Option<string?>("--status", "-s") { Description = "Only the runs that ended so: succeeded, failed or cancelled (default: all three)." };
        var command = new Command("purge", "Delete finished runs (with their steps and history) that completed before a time. Runs that have not finished are never deleted.")
        {
            olderThan, workflow, status,
        };
        command.SetAction((parse, cancellationToken) => context.GuardAsync(async () =>
        {
            var written = parse.GetValue(olderThan)!;
            if (!DurationParser.TryParse(written, out var age, out var error))
            {
                throw new UsageException($"--older-than is not a duration: {error}. Write number-unit pairs, largest unit first, as in 30d, 12h or 1d12h.");
            }

            var finished = ParseFinished(parse.GetValue(status));
            var cutoff = context.Time.GetUtcNow() - age;
            var provider = context.BuildProvider(parse, null, durable: false);
            await using (provider.ConfigureAwait(false))
            {
                var runs = new WorkflowRuns(provider.GetRequiredService<IWorkflowStore>(), context.Time);
                var deleted = await runs.PurgeAsync(cutoff, parse.GetValue(workflow), finished, cancellationToken).ConfigureAwait(false);
                await context.Error.WriteLineAsync(
                    $"purged {Format.Number(deleted)} run{(deleted == 1 ? "" : "s")} that finished before {Format.Time(cutoff)} from {context.StoreName(parse)}").ConfigureAwait(false);
                return ExitCodes.Success;
            }
        }, cancellationToken));
        return command;
    }

    private static RunStatus? ParseFinished(string? text)
        => text?.ToLowerInvariant() switch
        {
            null => null,
            "succeeded" => RunStatus.Succeeded,
            "failed" => RunStatus.Failed,
            "cancelled" => RunStatus.Cancelled,
            _ => throw new UsageException("--status must be a finished run status: succeeded, failed or cancelled (runs that have not finished are never purged)."),
        };
}
