using System.Linq;
using Workflows.Generators.Model;
using Workflows.Generators.Yaml;

namespace Workflows.Generators.Parsing;

/// <summary>Steps that wait (<c>signal:</c>, <c>sleep:</c>): which keys they may have next to it.</summary>
internal sealed partial class WorkflowDocumentParser
{
    /// <summary>Keys a waiting step cannot use: it calls nothing, so it has no arguments, items, retries or undo.</summary>
    private static readonly string[] s_notOnWaitingSteps =
    {
        WorkflowSchema.StepWith, WorkflowSchema.StepForEach, WorkflowSchema.StepMaxParallel, WorkflowSchema.StepRetry, WorkflowSchema.StepCompensate,
    };

    /// <summary>
    /// Checks <c>signal</c>/<c>type</c>/<c>sleep</c> and the keys next to them. Returns true when the step waits,
    /// so it needs no <c>action</c>.
    /// </summary>
    private bool CheckWaitStep(YamlMapping mapping, string stepName, bool calls, ref LocatedString? signal, ref LocatedString? signalType, ref DurationValue? sleep)
    {
        var signalKey = Key(mapping, WorkflowSchema.StepSignal);
        var sleepKey = Key(mapping, WorkflowSchema.StepSleep);
        var typeKey = Key(mapping, WorkflowSchema.StepSignalType);
        if (typeKey is not null && signalKey is null)
        {
            Report(DiagnosticDescriptors.WaitStepKey, Span(typeKey), stepName, "type", "'type' is the payload type of a 'signal' step; this step has no 'signal'");
            signalType = null;
        }

        if (signalKey is null && sleepKey is null)
        {
            return false;
        }

        if (signalKey is not null && sleepKey is not null)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(sleepKey), $"Step '{stepName}' has both 'signal' and 'sleep'. A step waits for one thing: keep one, or make two steps.");
            sleep = null;
        }

        var kind = signalKey is not null ? "signal" : "sleep";
        if (calls)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(signalKey ?? sleepKey!),
                $"Step '{stepName}' has both '{kind}' and an 'action' or 'workflow'. A step either calls something or waits: make two steps.");
        }

        foreach (var key in s_notOnWaitingSteps)
        {
            if (Key(mapping, key) is { } written)
            {
                Report(DiagnosticDescriptors.WaitStepKey, Span(written), stepName, key, $"a '{kind}' step calls nothing, so it takes no '{key}'");
            }
        }

        if (sleepKey is not null && Key(mapping, WorkflowSchema.StepTimeout) is { } timeout)
        {
            Report(DiagnosticDescriptors.WaitStepKey, Span(timeout), stepName, "timeout", "a 'sleep' step ends when its time is up, so it takes no 'timeout'");
        }

        return true;
    }

    private static YamlScalar? Key(YamlMapping mapping, string name)
        => mapping.Entries.Select(e => e.Key).OfType<YamlScalar>().FirstOrDefault(k => k.Value == name);
}
