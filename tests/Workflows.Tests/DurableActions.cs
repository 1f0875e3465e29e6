using System;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Tests;

public sealed record DurableOrder(string Id, int Lines);

[JsonSerializable(typeof(DurableOrder))]
public sealed partial class DurableTestJson : JsonSerializerContext
{
}

/// <summary>Counts every call, so tests can prove which steps ran again after a resume.</summary>
public sealed class DurableActions
{
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Called before each action with its name; a test may throw or block here.</summary>
    public Func<string, CancellationToken, Task> Before { get; set; } = static (_, _) => Task.CompletedTask;

    [WorkflowAction("durable.load")]
    public async Task<DurableOrder> LoadAsync(string orderId, CancellationToken cancellationToken)
    {
        await Enter("load", cancellationToken);
        return new DurableOrder(orderId, 3);
    }

    [WorkflowAction("durable.label")]
    public async Task<string> LabelAsync(string name, StepContext context)
    {
        await Enter("label:" + name, context.CancellationToken);
        return $"[{name}]@{context.ItemIndex}";
    }

    [WorkflowAction("durable.total")]
    public async Task<decimal> TotalAsync(DurableOrder order, int labels, CancellationToken cancellationToken)
    {
        await Enter("total", cancellationToken);
        return order.Lines * 10m + labels;
    }

    [WorkflowAction("durable.book")]
    public async Task<string> BookAsync(string orderId, StepContext context)
    {
        await Enter("book", context.CancellationToken);
        return $"TRK-{orderId}-{context.RunId?.Length > 0}";
    }

    [WorkflowAction("durable.note")]
    public async Task NoteAsync(string text, CancellationToken cancellationToken) => await Enter("note:" + text, cancellationToken);

    private async Task Enter(string name, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        await Before(name, cancellationToken);
    }
}
