using System;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Samples.Aot;

/// <summary>Actions with a transient failure, so the published binary exercises a real retry.</summary>
public sealed class ShopActions
{
    private int _chargeAttempts;

    [WorkflowAction("shop.ping")]
    public static void Ping() => Console.WriteLine("first step");

    [WorkflowAction("shop.label")]
    public static string Label(string orderId, int position) => $"{position + 1}:{orderId}";

    [WorkflowAction("shop.reserve")]
    public static string Reserve(string orderId, int quantity) => $"res-{orderId}-{quantity}";

    [WorkflowAction("shop.release")]
    public static void Release(string reservation) => Console.WriteLine($"released {reservation}");

    [WorkflowAction("shop.price")]
    public static async ValueTask<decimal> PriceAsync(int quantity, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return quantity * 9.99m;
    }

    [WorkflowAction("shop.charge")]
    public async Task<string> ChargeAsync(string reservation, decimal amount, CancellationToken cancellationToken)
    {
        await Task.Delay(1, cancellationToken);
        if (Interlocked.Increment(ref _chargeAttempts) == 1)
        {
            throw new TimeoutException("payment gateway busy");
        }

        Console.WriteLine($"charged {amount} for {reservation} on attempt {_chargeAttempts}");
        return $"receipt-{_chargeAttempts}";
    }
}
