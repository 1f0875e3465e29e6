using System;
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading.Tasks;

namespace Workflows.Durability.Tests;

/// <summary>The payload of the approval workflow's signal.</summary>
public sealed record ApprovalDecision(bool Approved, string Approver);

[JsonSerializable(typeof(ApprovalDecision))]
public sealed partial class ApprovalJson : JsonSerializerContext
{
}

/// <summary>The approval workflow's actions: they count their calls, so tests prove what ran once.</summary>
public sealed class ApprovalActions
{
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Runs inside 'submit' (a test sends a signal from here: before the run waits for it).</summary>
    public Func<Task> DuringSubmit { get; set; } = static () => Task.CompletedTask;

    [WorkflowAction("approval.submit")]
    public async Task<string> SubmitAsync(decimal amount)
    {
        Calls.AddOrUpdate("submit", 1, (_, n) => n + 1);
        await DuringSubmit();
        return "expense of " + amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [WorkflowAction("approval.ship")]
    public string Ship(string approver, bool approved)
    {
        Calls.AddOrUpdate("ship", 1, (_, n) => n + 1);
        return (approved ? "shipped by " : "rejected by ") + approver;
    }
}

/// <summary>A clock that moves only when a test says so, starting at the real time (PostgreSQL checks leases against its own clock).</summary>
public sealed class WaitClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
