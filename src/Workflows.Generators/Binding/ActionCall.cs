using System.Collections.Generic;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>Where in a workflow file an action (or another workflow) is called.</summary>
internal enum ActionCallPlace
{
    Step,
    Compensation,
    OnFailure,
}

/// <summary>
/// One place that calls an action with <c>with:</c> arguments: a step, a step's <c>compensate:</c>, an
/// <c>on_failure:</c> step. <see cref="In"/> is the one list of them, so a check written once (the WF04xx
/// security checks) sees every call, and a new place to call an action is added there.
/// </summary>
/// <param name="Label">How messages name it: the step id, with "(compensate)" or "(on_failure)" after it.</param>
/// <param name="Action">The action's name as written; null when a workflow is called instead.</param>
/// <param name="Workflow">The workflow a step calls (<c>workflow:</c>), else null.</param>
internal sealed record ActionCall(string Label, ActionCallPlace Place, string? Action, string? Workflow, EquatableArray<StepArgument> With)
{
    public static IEnumerable<ActionCall> In(WorkflowDocument document)
    {
        foreach (var step in document.Steps)
        {
            yield return new ActionCall(step.Id.Value, ActionCallPlace.Step, step.Action?.Value, step.Workflow?.Value, step.With);
            if (step.Compensate is { } compensate)
            {
                yield return new ActionCall(step.Id.Value + " (compensate)", ActionCallPlace.Compensation, compensate.Action?.Value, null, compensate.With);
            }
        }

        foreach (var step in document.OnFailure)
        {
            yield return new ActionCall(step.Id.Value + " (on_failure)", ActionCallPlace.OnFailure, step.Action?.Value, step.Workflow?.Value, step.With);
        }
    }
}
