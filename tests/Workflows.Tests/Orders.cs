using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Tests;

public sealed record Customer(string Id, string Name, string? Email);

public sealed record Order(string Id, Customer Customer, decimal Total, IReadOnlyList<string> Lines);

public sealed record Receipt(string ReceiptId, decimal Charged);

/// <summary>Typed actions for the data-flow workflow: outputs flow into parameters through expressions.</summary>
public sealed class OrderActions
{
    public List<string> Log { get; } = new();

    [WorkflowAction("orders.load")]
    public Task<Order> LoadAsync(string id, CancellationToken cancellationToken)
    {
        Log.Add("load " + id);
        var total = id == "free" ? 0m : 42.50m;
        return Task.FromResult(new Order(id, new Customer("c-7", "Ada", null), total, new[] { "book", "pen" }));
    }

    [WorkflowAction("payments.charge")]
    public ValueTask<Receipt> ChargeAsync(string customer, decimal amount)
    {
        Log.Add($"charge {customer} {amount}");
        return new ValueTask<Receipt>(new Receipt("r-" + customer, amount));
    }

    [WorkflowAction("orders.notify")]
    public void Notify(string message, int lines)
    {
        Log.Add($"notify {message} ({lines})");
    }

    [WorkflowAction("orders.audit")]
    public string Audit(string note)
    {
        Log.Add("audit " + note);
        return note;
    }
}
