using System;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Workflows;

namespace Workflows.Hosting.Tests;

[JsonSerializable(typeof(string))]
public sealed partial class NightlyJson : JsonSerializerContext
{
}

/// <summary>The steps of nightly-import: each counts its calls; a test may hold one at a gate.</summary>
public sealed class NightlyActions
{
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Called when a step starts; a test may block here (the token is the step's).</summary>
    public Func<string, CancellationToken, Task> Before { get; set; } = static (_, _) => Task.CompletedTask;

    [WorkflowAction("nightly.step")]
    public async Task<string> StepAsync(string name, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        await Before(name, cancellationToken);
        return name + " done";
    }
}
