using System;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Workflows.Samples.Approval;

/// <summary>The payload of the <c>manager-approval</c> signal: <c>{"Approved": true, "Approver": "bob"}</c>.</summary>
public sealed record ApprovalDecision(bool Approved, string Approver);

/// <summary>JSON metadata for what the durable approval run stores: the signal's payload.</summary>
[JsonSerializable(typeof(ApprovalDecision))]
public sealed partial class ExpenseJson : JsonSerializerContext
{
}

/// <summary>The expense approval's actions (static: they need no configuration).</summary>
public static class ExpenseActions
{
    [WorkflowAction("expense.submit", Description = "Files the expense; the manager is asked to decide.")]
    public static string Submit(string employee, decimal amount, StepContext context)
    {
        context.Log($"expense of {amount.ToString(CultureInfo.InvariantCulture)} by {employee} is waiting for a manager: signal {context.RunId} manager-approval");
        return "EXP-" + context.RunId;
    }

    [WorkflowAction("expense.settle", Description = "Pays an approved expense, or rejects it.")]
    public static string Settle(string employee, decimal amount, bool approved, string approver)
        => approved
            ? $"paid {amount.ToString(CultureInfo.InvariantCulture)} to {employee}, approved by {approver}"
            : $"rejected by {approver}: nothing paid to {employee}";
}
