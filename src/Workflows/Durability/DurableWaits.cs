using System;
using System.ComponentModel;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Durability;

/// <summary>What generated code calls at a <c>signal:</c> or <c>sleep:</c> step. Not meant to be used directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DurableWaits
{
    /// <summary>Waits for a signal with a payload: its value, once the signal was consumed (now or in an earlier execution).</summary>
    public static async ValueTask<T> SignalAsync<T>(DurableRun? durable, string stepId, string signature, string signalName, TimeSpan? timeout, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var payload = await Require(durable, stepId, signalName).WaitForSignalAsync(stepId, signature, signalName, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            return DurableJson.Deserialize<T>(payload ?? "null", json);
        }
        catch (JsonException exception)
        {
            // Sent through the untyped WorkflowRuns.SignalAsync with JSON that does not fit: the step fails, saying so.
            throw new InvalidOperationException($"Step '{stepId}': the payload of signal '{signalName}' does not fit {typeof(T).Name}: {exception.Message}", exception);
        }
    }

    /// <summary>Waits for a signal without payload.</summary>
    public static async ValueTask SignalAsync(DurableRun? durable, string stepId, string signature, string signalName, TimeSpan? timeout, CancellationToken cancellationToken)
        => await Require(durable, stepId, signalName).WaitForSignalAsync(stepId, signature, signalName, timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A durable timer: the run leaves and continues at the wake-up time computed at the first attempt. A run
    /// without a store (a workflow with a json_context run in memory) sleeps in process on <paramref name="time"/>.
    /// </summary>
    public static ValueTask SleepAsync(DurableRun? durable, string stepId, string signature, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
        => durable is not null
            ? durable.SleepAsync(stepId, signature, duration, cancellationToken)
            : new ValueTask(Task.Delay(duration, time, cancellationToken));

    private static DurableRun Require(DurableRun? durable, string stepId, string signalName)
        => durable ?? throw new InvalidOperationException(
            $"Step '{stepId}' waits for signal '{signalName}', which only a durable run can receive: run the workflow with WorkflowOptions.Store set (the command line and host do).");
}
