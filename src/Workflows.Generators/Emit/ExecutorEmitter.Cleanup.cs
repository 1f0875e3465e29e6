using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>After a failure: compensations of the completed steps (last first), then the on_failure steps.</summary>
internal static partial class ExecutorEmitter
{
    private static bool HasCompensations(WorkflowSpec spec) => spec.Steps.Any(s => s.Compensation is not null);

    /// <summary>After a step failed: undo the completed steps (last first), then run the on_failure steps.</summary>
    private static void EmitCleanup(SourceWriter w, WorkflowSpec spec, string recorder)
    {
        if (HasCompensations(spec))
        {
            w.Line($"await compensations.RunAsync(failure, {recorder}).ConfigureAwait(false);");
        }

        if (spec.OnFailure.Count > 0)
        {
            var workflow = recorder == "recorder" ? string.Empty : "_workflow.";
            w.Line($"await {workflow}OnFailureAsync({InputsArgument(spec)}failure).ConfigureAwait(false);");
        }
    }

    /// <summary>The on_failure steps, in order. Their failures are recorded on the run's failure, never thrown.</summary>
    private static void EmitOnFailure(SourceWriter w, WorkflowSpec spec)
    {
        if (spec.OnFailure.Count == 0)
        {
            return;
        }

        var awaits = spec.OnFailure.Any(s => IsAwaited(s.ReturnKind));
        w.Line();
        if (!awaits)
        {
            w.Line("#pragma warning disable CS1998 // Every on_failure action is synchronous.");
        }

        w.Line("/// <summary>The workflow's on_failure steps, run once after a step failed.</summary>");
        w.Open($"private async {ValueTask} OnFailureAsync({InputsParameter(spec)}global::Workflows.WorkflowFailedException failure)");
        foreach (var step in spec.OnFailure)
        {
            w.Line($"// on_failure: {step.Id}");
            w.Open("try");
            // No recorder here (on_failure steps are actions, never workflow: steps): a StepContext gets no run id.
            w.Line(CallStatement(spec, step, "this.", "global::System.Threading.CancellationToken.None", recorder: null, storeOutput: false));
            w.Close();
            w.Open("catch (global::System.Exception exception)");
            w.Line($"failure.AddCleanupFailure(new global::Workflows.WorkflowCleanupFailure({Literal(step.Id)}, global::Workflows.WorkflowCleanupKind.OnFailure, exception));");
            w.Close();
        }

        w.Close();
        if (!awaits)
        {
            w.Line("#pragma warning restore CS1998");
        }
    }

    /// <summary>Remembers how to undo a step that just succeeded.</summary>
    private static void EmitRegisterCompensation(SourceWriter w, WorkflowSpec spec, StepSpec step, string instance)
    {
        if (step.Compensation is not { } undo)
        {
            return;
        }

        var call = Call(spec, undo.HostIndex, undo.ContainingType, undo.MethodName, undo.Arguments, instance, "undoToken", StepContext(step, instance, "undoToken", "1", "-1", recorder: null));
        var lambda = undo.ReturnKind switch
        {
            ActionReturnKind.Void => $"undoToken => {{ {call}; return {ValueTask}.CompletedTask; }}",
            ActionReturnKind.Value => $"undoToken => {{ _ = {call}; return {ValueTask}.CompletedTask; }}",
            ActionReturnKind.Task => $"undoToken => new {ValueTask}({call})",
            ActionReturnKind.ValueTask => $"undoToken => {call}",
            _ => $"async undoToken => {{ _ = await {call}.ConfigureAwait(false); }}",
        };
        w.Line($"compensations.Add({spec.IndexOf(step)}, {Literal(step.Id)}, {lambda});");
    }
}
