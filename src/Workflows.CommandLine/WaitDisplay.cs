using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Durability;

namespace Workflows.CommandLine;

/// <summary>What waiting runs wait for, in <c>runs</c> and <c>status</c>: "waiting: signal approval since ...".</summary>
internal static class WaitDisplay
{
    /// <summary>The waits of the listed runs that wait (one store read per waiting run).</summary>
    public static async Task<Dictionary<string, RunWait>> WaitsAsync(IWorkflowStore store, IReadOnlyList<RunRecord> runs, CancellationToken cancellationToken)
    {
        var waits = new Dictionary<string, RunWait>(System.StringComparer.Ordinal);
        if (store is not IWorkflowSignalStore signals)
        {
            return waits;
        }

        foreach (var run in runs)
        {
            if (run.Status == RunStatus.Waiting && await signals.GetWaitAsync(run.RunId, cancellationToken).ConfigureAwait(false) is { } wait)
            {
                waits[run.RunId] = wait;
            }
        }

        return waits;
    }

    /// <summary>The status cell: "waiting: signal approval since ..." for a waiting run, else its status.</summary>
    public static string Status(RunRecord run, Dictionary<string, RunWait> waits)
        => waits.TryGetValue(run.RunId, out var wait) ? "waiting: " + Format.Terminal(wait.Describe()) : Format.Status(run.Status);

    public static void WriteJson(System.Text.Json.Utf8JsonWriter w, RunWait? wait)
    {
        if (wait is null)
        {
            return;
        }

        w.WriteStartObject("waiting");
        w.WriteStartArray("signals");
        foreach (var name in wait.SignalNames)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        w.WriteString("since", wait.Since);
        JsonOutput.WriteTime(w, "wakeAt", wait.WakeAt);
        w.WriteString("text", wait.Describe());
        w.WriteEndObject();
    }
}
