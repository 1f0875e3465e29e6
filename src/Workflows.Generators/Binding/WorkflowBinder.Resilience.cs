using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>retry and timeout: durations, attempts, exception types, and a budget that must fit the workflow's timeout.</summary>
internal sealed partial class WorkflowBinder
{
    /// <summary>
    /// WF0207: the longest a step can take (every attempt timing out, every delay at its longest) against the
    /// workflow's timeout. Jitter can add a quarter to a delay.
    /// </summary>
    private void CheckRetryBudget(StepDocument step, RetrySpec? retry)
    {
        if (_document.Timeout is not { } workflowTimeout || (step.Timeout is null && retry is null))
        {
            return;
        }

        var attempts = retry?.MaxAttempts ?? 1;
        decimal ticks = step.Timeout is { } timeout ? (decimal)timeout.Ticks * attempts : 0;
        var delay = retry?.Delay?.Ticks ?? TimeSpan.FromSeconds(2).Ticks; // Polly's default
        for (var retryNumber = 1; retryNumber < attempts; retryNumber++)
        {
            decimal wait = retry!.Backoff switch
            {
                RetryBackoff.Constant => delay,
                RetryBackoff.Linear => (decimal)delay * retryNumber,
                _ => (decimal)delay * (decimal)Math.Pow(2, Math.Min(retryNumber - 1, 62)),
            };
            if (retry.Jitter)
            {
                wait *= 1.25m;
            }

            if (retry.MaxDelay is { } maxDelay)
            {
                wait = Math.Min(wait, maxDelay.Ticks);
            }

            ticks += wait;
        }

        if (ticks > workflowTimeout.Ticks)
        {
            var budget = TimeSpan.FromTicks((long)Math.Min(ticks, TimeSpan.MaxValue.Ticks));
            Report(DiagnosticDescriptors.RetryBudgetExceedsTimeout, step.Retry?.Span ?? step.Timeout!.Span, step.Id.Value,
                budget.ToString("c", System.Globalization.CultureInfo.InvariantCulture), workflowTimeout.Text);
        }
    }

    private ResilienceSpec? BindResilience(StepDocument step, out bool ok)
    {
        ok = true;
        if (step.Timeout is null && step.Retry is null)
        {
            return null;
        }

        RetrySpec? retry = null;
        if (step.Retry is { } written)
        {
            var types = new List<string>();
            foreach (var name in written.On)
            {
                var resolved = _inputTypes.Find(name.Value);
                var shape = resolved?.Name is { } typeName ? _types.Find(typeName) : null;
                var isException = resolved?.Name == "global::System.Exception" || (shape?.Supertypes.Contains("global::System.Exception") ?? false);
                if (resolved?.Declaration is not { } declaration || !isException)
                {
                    if (!ReportTypeNameTooLong(name))
                    {
                        Report(DiagnosticDescriptors.UnknownExceptionType, name.Span, name.Value, resolved?.Name is null ? "names no type" : "is not an exception type");
                    }

                    ok = false;
                    continue;
                }

                types.Add(declaration);
            }

            retry = new RetrySpec(written.MaxAttempts, Duration(written.Delay), written.Backoff, Duration(written.MaxDelay), written.Jitter, types.ToEquatableArray());
        }

        if (step.Retry is not { HasErrors: true })
        {
            CheckRetryBudget(step, retry);
        }

        return new ResilienceSpec(Duration(step.Timeout), retry);

        static DurationSpec? Duration(DurationValue? value) => value is null ? null : new DurationSpec(value.Ticks, value.Text);
    }
}
