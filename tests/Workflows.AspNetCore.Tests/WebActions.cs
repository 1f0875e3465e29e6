using System;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.AspNetCore.Tests;

/// <summary>The payload of approve.workflow.yaml's signal.</summary>
public sealed record Approval(bool Approved, string By);

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Approval))]
public sealed partial class WebJson : JsonSerializerContext
{
}

/// <summary>The test workflows' actions: each step counts its calls and may be held at a gate by a test.</summary>
public sealed class WebActions
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new();

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>While true, web.send fails with a message that contains its token (a secret).</summary>
    public bool RefuseSend { get; set; }

    /// <summary>Holds the next calls of step <paramref name="name"/> until the gate is opened.</summary>
    public Gate Hold(string name) => _gates[name] = new Gate();

    [WorkflowAction("web.step")]
    public async Task<string> StepAsync(string name, string value, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (_gates.TryGetValue(name, out var gate))
        {
            gate.Entered.TrySetResult();
            await gate.Open.Task.WaitAsync(cancellationToken);
        }

        return value;
    }

    [WorkflowAction("web.send")]
    public void Send(string token)
    {
        Calls.AddOrUpdate("send", 1, (_, n) => n + 1);
        if (RefuseSend)
        {
            throw new InvalidOperationException($"The carrier refused token {token}.");
        }
    }

    public sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Open.TrySetResult();
    }
}
