using System;
using System.IO;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Workflows;
using Workflows.CrashWorker;
using Workflows.Durability;

// crash-worker <sqlite:path | postgres:connection-string[;schema=name]> <run-id | approval:<run-id> | --recover> <log-file>
// Runs (or resumes) one durable run of crash-main, logging every action start to <log-file>, and prints
// the outputs as one line when it completes.
// crash-worker <store> --pool <log-dir> | --enqueue <count> <prefix> [spacing-ms] | --enqueue-limited <count> <prefix>: the worker-pool modes (PoolWorker.cs).
var (storeSpec, runId, logPath) = (args[0], args[1], args[2]);
IWorkflowStore store = storeSpec.StartsWith("sqlite:", StringComparison.Ordinal)
    ? new Workflows.Sqlite.SqliteWorkflowStore(storeSpec["sqlite:".Length..])
    : CreatePostgres(storeSpec["postgres:".Length..]);
switch (runId)
{
    case "--pool":
        return await PoolWorker.ServeAsync(store, logPath);
    case "--enqueue-limited":
        return await PoolWorker.EnqueueLimitedAsync(store, int.Parse(logPath, System.Globalization.CultureInfo.InvariantCulture), args[3]);
    case "--enqueue":
        return await PoolWorker.EnqueueAsync(store, int.Parse(logPath, System.Globalization.CultureInfo.InvariantCulture), args[3], args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0);
}

using var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
var actions = new CrashActions(log, Environment.ProcessId);
log.WriteLine($"process {Environment.ProcessId}");

// The default owner (this process), unless CRASH_OWNER names one: a restarted worker continues the run of its
// killed predecessor at once, as that process is gone, instead of waiting for its lease to expire.
var leaseDuration = TimeSpan.FromMilliseconds(int.TryParse(Environment.GetEnvironmentVariable("CRASH_LEASE_MS"), out var lease) ? lease : 20_000);
var options = Environment.GetEnvironmentVariable("CRASH_OWNER") is { } owner
    ? new WorkflowOptions { Store = store, Owner = owner, LeaseDuration = leaseDuration }
    : new WorkflowOptions { Store = store, LeaseDuration = leaseDuration };
if (runId == "--recover")
{
    // As a host does at start: resume every run of the workflow that needs an owner.
    Console.WriteLine($"RECOVERED {await new CrashMainWorkflow(actions, options).RecoverAsync()}");
    return 0;
}

if (runId.StartsWith("approval:", StringComparison.Ordinal))
{
    // The waiting workflow: prints WAITING when the run leaves to wait (for its signal or its sleep).
    try
    {
        var approval = await new CrashApprovalWorkflow(actions, options).RunDurableAsync(new CrashApprovalWorkflow.Inputs { Seed = "seed" }, runId["approval:".Length..]);
        Console.WriteLine($"OUTPUT {approval.Result}");
    }
    catch (WorkflowRunWaitingException waiting)
    {
        Console.WriteLine($"WAITING {waiting.WaitingFor}");
    }

    return 0;
}

var outputs = await new CrashMainWorkflow(actions, options).RunDurableAsync(new CrashMainWorkflow.Inputs { Seed = "seed" }, runId);
Console.WriteLine($"OUTPUT {outputs.Result}|{string.Join(",", outputs.Items)}|{outputs.Shipped}");
return 0;

static IWorkflowStore CreatePostgres(string text)
{
    var schema = "workflows";
    var at = text.IndexOf(";schema=", StringComparison.Ordinal);
    if (at >= 0)
    {
        schema = text[(at + ";schema=".Length)..];
        text = text[..at];
    }

    return new Workflows.PostgreSql.PostgreSqlWorkflowStore(text, schema);
}

namespace Workflows.CrashWorker
{
    [JsonSerializable(typeof(string))]
    public sealed partial class CrashJson : JsonSerializerContext
    {
    }

    /// <summary>Every action logs its start (with the process id) and takes a few milliseconds, so kills land mid-step.</summary>
    public sealed class CrashActions(StreamWriter log, int processId)
    {
        private static readonly int StepDelay = int.TryParse(Environment.GetEnvironmentVariable("CRASH_STEP_DELAY_MS"), out var ms) ? ms : 3;

        // Set by the crash test: after this many action starts the next ones wait to be killed, so a kill lands at
        // a chosen point however slow or loaded the machine is.
        private static readonly int StartsBeforeHang = int.TryParse(Environment.GetEnvironmentVariable("CRASH_HANG_AFTER_STARTS"), out var n) ? n : int.MaxValue;

        private int _starts;

        private readonly Lock _gate = new();

        [WorkflowAction("crash.step")]
        public async Task<string> StepAsync(string name, string input, StepContext context)
        {
            await StartAsync(name);
            await Task.Delay(StepDelay, context.CancellationToken);
            return $"{name}({input.Length})";
        }

        [WorkflowAction("crash.items")]
        public async Task<string[]> ItemsAsync(int count)
        {
            await StartAsync("list");
            var items = new string[count];
            for (var i = 0; i < count; i++)
            {
                items[i] = "i" + i;
            }

            return items;
        }

        [WorkflowAction("crash.item")]
        public async Task<string> ItemAsync(string value, StepContext context)
        {
            await StartAsync("fan#" + context.ItemIndex);
            await Task.Delay(StepDelay, context.CancellationToken);
            return value.ToUpperInvariant();
        }

        private async Task StartAsync(string step)
        {
            if (Interlocked.Increment(ref _starts) > StartsBeforeHang)
            {
                await Task.Delay(Timeout.Infinite);
            }

            Log(step);
        }

        private void Log(string step)
        {
            lock (_gate)
            {
                log.WriteLine($"start {step} {processId}");
            }
        }
    }
}
