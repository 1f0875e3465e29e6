using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>The layered shape: batch by batch, every step of a batch started together and the batch awaited before the next; plain actions joined directly.</summary>
internal static partial class ExecutorEmitter
{
    /// <summary>
    /// True when every step depends on every step of the batch before its own: then waiting for the whole
    /// previous batch never delays a step, and the run can go batch by batch with no task per step kept.
    /// </summary>
    private static bool IsLayered(WorkflowSpec spec)
    {
        for (var b = 1; b < spec.Batches.Count; b++)
        {
            var previous = spec.Batches[b - 1];
            foreach (var index in spec.Batches[b])
            {
                var dependencies = spec.Steps[index].Dependencies;
                if (previous.Any(p => !dependencies.Contains(p)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Layered runs: each batch's steps start together and are awaited before the next batch starts.</summary>
    private static void EmitLayeredBatches(SourceWriter w, WorkflowSpec spec, RunPlan plan, int[] positions)
    {
        w.Line("// Steps never throw: a failure stops the run, and the steps not yet started skip themselves.");
        var batchNumber = 0;
        foreach (var batch in spec.Batches)
        {
            batchNumber++;
            var ids = string.Join(", ", batch.Select(i => spec.Steps[i].Id));
            w.Line(CSharpText.LineComment($"// Batch {batchNumber} of {spec.Batches.Count}: {ids}"));
            if (batch.Count == 1)
            {
                // A step alone in its batch runs here, in the run's own state machine: no second one to rent and await.
                EmitStepCore(w, spec, plan, spec.Steps[batch[0]], positions[batch[0]], inBatch: false, inline: true);
            }
            else
            {
                // One wait for the whole batch: the last step to finish continues the run.
                w.Line($"StartBatch({batch.Count});");
                if (batch.Any(i => CanJoinDirectly(spec, plan, spec.Steps[i])))
                {
                    w.Open("if (CanJoinActionsDirectly)");
                    w.Line("// Nobody observes the run and nothing bounds it: a plain action's task is joined as it is, with no state machine of its own.");
                    w.Line("var batchContext = CaptureBatchContext();");
                    EmitBatchSteps(w, spec, plan, batch, positions, joinDirectly: true);
                    w.Close();
                    w.Open("else");
                    EmitBatchSteps(w, spec, plan, batch, positions, joinDirectly: false);
                    w.Close();
                }
                else
                {
                    EmitBatchSteps(w, spec, plan, batch, positions, joinDirectly: false);
                }
            }

            w.Line();
        }
    }

    /// <summary>Starts the steps of a batch of several and waits until every one has finished.</summary>
    /// <param name="joinDirectly">Under <c>CanJoinActionsDirectly</c>: plain actions are called here and their tasks joined.</param>
    private static void EmitBatchSteps(SourceWriter w, WorkflowSpec spec, RunPlan plan, EquatableArray<int> batch, int[] positions, bool joinDirectly)
    {
        var awaited = new List<StepSpec>();
        var previousJoined = false;
        foreach (var index in batch)
        {
            var step = spec.Steps[index];
            var joined = joinDirectly && CanJoinDirectly(spec, plan, step);
            if (index != batch[0] && (joined || previousJoined))
            {
                w.Line();
            }

            previousJoined = joined;
            if (joined)
            {
                var position = positions[index];
                var arguments = $"{position}, {index}, {Literal(step.Id)}";
                w.Line(CSharpText.LineComment($"// Step {Quote(step.Id)}: action {Quote(step.ActionName)}."));
                w.Open("if (IsStopping)");
                w.Line($"ExitBatchStep({position});");
                w.Close();
                w.Open("else");
                w.Open("try");
                w.Line($"JoinBatchStep({arguments}, {Call(spec, step, "_workflow.", "CancellationToken", "Recorder", "1", "-1")});");
                w.Close();
                w.Open("catch (global::System.Exception exception)");
                w.Line($"FailBatchStep({arguments}, exception);");
                w.Close();
                w.Line();
                w.Line("RestoreBatchContext(batchContext); // what the action set before returning its task stays with it");
                w.Close();
            }
            else
            {
                w.Line($"var {Local(step)} = {step.Identifier}StepAsync();");
                awaited.Add(step);
            }
        }

        w.Line("await WhenBatchDoneAsync().ConfigureAwait(false);");
        if (awaited.Count > 0)
        {
            w.Line("// Each has finished; awaiting it returns its state machine to the pool.");
            foreach (var step in awaited)
            {
                w.Line($"await {Local(step)}.ConfigureAwait(false);");
            }
        }
    }

    /// <summary>
    /// A step whose whole work is its action's task: no condition, retry, timeout, foreach, compensation or
    /// checkpoint, no outcome that other code reads, and a <see cref="System.Threading.Tasks.Task"/> to join.
    /// </summary>
    private static bool CanJoinDirectly(WorkflowSpec spec, RunPlan plan, StepSpec step)
        => spec.Durable is null
            && step.ReturnKind is ActionReturnKind.Task or ActionReturnKind.TaskOfT
            && !(step.HasOutput && plan.IsOutputRead(step))
            && plan.RunCondition(step) is null
            && !plan.IsSucceededRead(step)
            && step.Resilience is null
            && step.ForEach is null
            && !step.RunsWorkflow
            && step.Compensation is null
            && !step.ContinueOnError;
}
