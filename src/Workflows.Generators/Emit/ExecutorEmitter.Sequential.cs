using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>The sequential shape: runs whose steps go one after another in file order (every synchronous run, and runs with one step per batch).</summary>
internal static partial class ExecutorEmitter
{
    private static void EmitSequentialRun(SourceWriter w, WorkflowSpec spec, RunPlan plan)
    {
        var awaits = !IsSynchronousRun(spec);
        EmitPublicRunMethods(w, spec);
        w.Line();
        if (awaits)
        {
            w.Line("/// <summary>The run: one batch after another, each step awaited in turn.</summary>");
        }
        else
        {
            // Not async: there is nothing to await, and an async method's machinery would cost more than the steps.
            // Failures still reach the caller through the returned task, as they do for every other workflow.
            w.Line("/// <summary>");
            w.Line("/// The run: one batch after another. Every action is synchronous, so the run is over when this returns;");
            w.Line("/// a failure or the caller's cancellation is returned as a faulted or cancelled task, never thrown.");
            w.Line("/// </summary>");
        }

        w.Open(CoreSignature(spec, isAsync: awaits));
        EmitSequentialCore(w, spec, plan, awaits, recorder: "recorder");

        if (HasUnobservedRun(spec))
        {
            // The same steps without a word to the recorder: for synchronous steps the two null checks per step
            // are a good part of the run's cost, and most runs are not observed.
            w.Line();
            w.Line("/// <summary>The run as <see cref=\"RunCoreAsync\"/> does it, for a run nobody observes: nothing is recorded.</summary>");
            w.Open($"private {Returns(spec)} RunUnobservedAsync({InputsParameter(spec)}{CancellationToken} cancellationToken)");
            EmitSequentialCore(w, spec, plan, awaits: false, recorder: null);
        }
    }

    /// <summary>True when every step is a plain synchronous call and the run has nothing else to await.</summary>
    private static bool IsSynchronousRun(WorkflowSpec spec) => HasOnlySynchronousSteps(spec) && spec.Durable is null;

    /// <summary>True when every step is a plain synchronous call and there is no cleanup: only checkpoints could await.</summary>
    private static bool HasOnlySynchronousSteps(WorkflowSpec spec) => !(spec.Steps.Any(s => s.MayAwait) || spec.HasCleanup);

    /// <summary>
    /// A run of synchronous steps without a timeout gets a second copy of its steps that records nothing, and so
    /// awaits nothing. A durable workflow's too: its checkpoints go through the recorder, which an unobserved run
    /// without a store does not have, so <c>json_context</c> costs a run without a store nothing.
    /// </summary>
    /// <remarks>Only a run emitted in order has it: a durable one with parallel batches keeps the concurrent shape.</remarks>
    private static bool HasUnobservedRun(WorkflowSpec spec) => spec.RunsInOrder && HasOnlySynchronousSteps(spec) && spec.Timeout is null;

    /// <summary>The body of a sequential run; with a null <paramref name="recorder"/>, one that records nothing.</summary>
    private static void EmitSequentialCore(SourceWriter w, WorkflowSpec spec, RunPlan plan, bool awaits, string? recorder)
    {
        if (!awaits)
        {
            w.Open("try");
        }

        if (HasCompensations(spec))
        {
            w.Line("var compensations = new global::Workflows.Runtime.Compensations();");
        }

        if (spec.HasCleanup)
        {
            w.Open("try");
        }

        // Each step has its own try/catch, which knows the step it guards. In a workflow of more than
        // MaxStepsWithOwnCatch steps, consecutive steps that fail the run when they fail share one, which knows the
        // failed step by its index (one store per step: a third of a synchronous chain's time, but hundreds of
        // exception clauses in one method cost the JIT's optimizations more); a step with retries (its attempts
        // count) or on_error: continue always gets its own.
        var shareCatches = spec.Steps.Count > MaxStepsWithOwnCatch;
        // The steps in batch order; a batch of several steps (all synchronous) runs them in file order.
        var batchOf = new int[spec.Steps.Count];
        for (var b = 0; b < spec.Batches.Count; b++)
        {
            foreach (var index in spec.Batches[b])
            {
                batchOf[index] = b;
            }
        }

        var groups = new List<List<int>>();
        foreach (var index in spec.Batches.SelectMany(batch => batch))
        {
            if (!shareCatches || HasOwnCatch(spec.Steps[index]) || groups.Count == 0 || HasOwnCatch(spec.Steps[groups[groups.Count - 1][0]]))
            {
                groups.Add(new List<int> { index });
            }
            else
            {
                groups[groups.Count - 1].Add(index);
            }
        }

        var tracksRunningStep = groups.Any(g => g.Count > 1);
        if (tracksRunningStep)
        {
            w.Line("var runningStep = 0; // the index of the running step, for its failure");
        }

        var checkCancellation = true; // at the start, and after every step that may have awaited
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var shared = group.Count > 1;
            if (!shared)
            {
                w.Line(BatchComment(spec, batchOf[group[0]], group[0]));
            }

            foreach (var index in group)
            {
                EmitSequentialLocals(w, plan, spec.Steps[index]);
            }

            if (!shared && checkCancellation)
            {
                w.Line("cancellationToken.ThrowIfCancellationRequested();");
            }

            w.Open("try");
            for (var i = 0; i < group.Count; i++)
            {
                var index = group[i];
                var step = spec.Steps[index];
                if (shared)
                {
                    if (i > 0)
                    {
                        w.Line();
                    }

                    w.Line(BatchComment(spec, batchOf[index], index));
                    w.Line($"runningStep = {index};");
                    if (checkCancellation)
                    {
                        w.Line("cancellationToken.ThrowIfCancellationRequested();");
                    }
                }

                EmitStepBody(w, spec, plan, step, instance: "this.", token: "cancellationToken", recorder: recorder);
                checkCancellation = step.MayAwait;
            }

            w.Close();
            w.Open("catch (global::System.Exception exception) when (global::Workflows.Runtime.StepErrors.IsFailure(exception, cancellationToken))");
            if (shared)
            {
                RecorderLine(w, recorder, "Failed(runningStep, exception, 1)");
                w.Line("throw new global::Workflows.WorkflowFailedException(WorkflowName, Descriptor.Steps[runningStep].Id, 1, exception);");
            }
            else
            {
                var step = spec.Steps[group[0]];
                RecorderLine(w, recorder, $"Failed({group[0]}, exception, {Attempts(step)})");
                if (step.ContinueOnError)
                {
                    w.Line("// on_error: continue. The failure is recorded; steps that need this one are skipped.");
                    if (plan.IsFailedRead(step))
                    {
                        w.Line($"{step.FailedVariable} = true;");
                    }
                }
                else
                {
                    w.Line($"throw new global::Workflows.WorkflowFailedException(WorkflowName, {Literal(step.Id)}, {Attempts(step)}, exception);");
                }
            }

            w.Close();
            if (g < groups.Count - 1 || spec.Outputs.Count > 0)
            {
                w.Line();
            }
        }

        EmitReturnOutputs(w, spec, wrapped: !awaits);
        if (spec.HasCleanup)
        {
            w.Close();
            w.Open(spec.Durable is null ? "catch (global::Workflows.WorkflowFailedException failure)" : "catch (global::Workflows.WorkflowFailedException failure) when (!global::Workflows.Durability.DurableRun.IsPause(failure))");
            EmitCleanup(w, spec, recorder: recorder!); // a run with cleanup awaits, so it always has its recorder
            w.Line("throw;");
            w.Close();
        }

        if (!awaits)
        {
            var result = spec.Outputs.Count > 0 ? "<Outputs>" : string.Empty;
            if (spec.Outputs.Count == 0)
            {
                w.Line();
                w.Line("return default;");
            }

            w.Close();
            w.Open("catch (global::System.OperationCanceledException) when (cancellationToken.IsCancellationRequested)");
            w.Line($"return {ValueTask}.FromCanceled{result}(cancellationToken);");
            w.Close();
            w.Open("catch (global::System.Exception exception)");
            w.Line($"return {ValueTask}.FromException{result}(exception);");
            w.Close();
        }

        w.Close();
    }

    /// <summary>Up to this many steps, a sequential run gives every step its own try/catch.</summary>
    private const int MaxStepsWithOwnCatch = 100;

    /// <summary>A step whose failure needs more than its index: its attempts, or on_error: continue.</summary>
    private static bool HasOwnCatch(StepSpec step) => step.Resilience is not null || step.ContinueOnError;

    /// <summary>"// Batch 2 of 3: b", and for a batch of several synchronous steps "// Batch 2 of 3 (1 of 4, in order): b".</summary>
    private static string BatchComment(WorkflowSpec spec, int batch, int index)
    {
        var steps = spec.Batches[batch];
        var position = steps.Count == 1 ? string.Empty : $" ({System.Array.IndexOf(steps.ToArray(), index) + 1} of {steps.Count}, in order)";
        return $"// Batch {batch + 1} of {spec.Batches.Count}{position}: {spec.Steps[index].Id}";
    }

    private static void EmitSequentialLocals(SourceWriter w, RunPlan plan, StepSpec step)
    {
        if (step.HasOutput)
        {
            w.Line($"{step.OutputType} {step.OutputVariable} = default!;");
        }

        if (plan.IsSucceededRead(step))
        {
            w.Line($"var {step.SucceededVariable} = false;");
        }

        if (step.Resilience is not null)
        {
            w.Line($"var {step.AttemptsVariable} = 0;");
        }

        if (plan.IsFailedRead(step))
        {
            w.Line($"var {step.FailedVariable} = false;");
        }
    }
}
