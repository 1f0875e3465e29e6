using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>The concurrent shape: each step waits for its dependencies and starts as soon as they finish, under the run's bound.</summary>
internal static partial class ExecutorEmitter
{
    private static void EmitConcurrentRun(SourceWriter w, WorkflowSpec spec, RunPlan plan)
    {
        var returns = Returns(spec);
        var layered = IsLayered(spec);
        EmitPublicRunMethods(w, spec);
        w.Line();
        w.Line(layered
            ? "/// <summary>The run: one batch after another, the steps of a batch at the same time.</summary>"
            : "/// <summary>The run: every step starts as soon as its own dependencies are done.</summary>");
        w.Open(CoreSignature(spec, isAsync: false));
        w.Open("if (cancellationToken.IsCancellationRequested)");
        w.Line($"return {ValueTask}.FromCanceled{(spec.Outputs.Count > 0 ? "<Outputs>" : string.Empty)}(cancellationToken);");
        w.Close();
        w.Line();
        w.Line($"return new Run(this, {InputsArgument(spec)}recorder, cancellationToken).ExecuteAsync();");
        w.Close();

        w.Line();
        w.Line(layered
            ? "/// <summary>The state of one run: the outputs, and the run's cancellation.</summary>"
            : "/// <summary>The state of one run: the task of every step, the outputs, and the run's cancellation.</summary>");
        w.Open("private sealed class Run : global::Workflows.Runtime.ConcurrentWorkflowRun");
        w.Line($"private readonly {spec.ClassName} _workflow;");
        w.Line($"protected override string WorkflowName => global::{spec.Namespace}.{spec.ClassName}.WorkflowName;");
        w.Line("private global::Workflows.WorkflowOptions _options => _workflow._options;");
        if (spec.Inputs.Count > 0)
        {
            w.Line("private readonly Inputs inputs;");
        }

        if (HasCompensations(spec))
        {
            w.Line("private readonly global::Workflows.Runtime.Compensations compensations = new();");
        }

        foreach (var step in spec.Steps)
        {
            if (!layered)
            {
                w.Line($"private {Task} {Field(step)} = null!;");
            }

            if (step.HasOutput && plan.IsOutputRead(step))
            {
                w.Line($"private {step.OutputType} {step.OutputVariable} = default!;");
            }

            if (plan.IsSucceededRead(step))
            {
                w.Line($"private bool {step.SucceededVariable};");
            }

            if (step.Resilience is not null)
            {
                w.Line($"private int {step.AttemptsVariable};");
            }

            if (plan.IsFailedRead(step))
            {
                w.Line($"private bool {step.FailedVariable};");
            }
        }

        w.Line();
        w.Line($"internal Run({spec.ClassName} workflow, {InputsParameter(spec)}{Recorder}? recorder, {CancellationToken} cancellationToken)");
        w.Open("    : base(cancellationToken, recorder, workflow.MaxParallel)");
        w.Line("_workflow = workflow;");
        if (spec.Inputs.Count > 0)
        {
            w.Line("this.inputs = inputs;");
        }

        w.Close();
        w.Line();

        // Positions in the static batch order: with MaxDegreeOfParallelism = 1, steps take turns in it.
        var position = 0;
        var positions = new int[spec.Steps.Count];
        foreach (var index in spec.Batches.SelectMany(b => b))
        {
            positions[index] = position++;
        }

        // Its task reaches the caller, who awaits it once (the ValueTask rule): the state machine can come from a pool.
        var builder = spec.Outputs.Count > 0 ? "PooledMethodBuilder<>" : "PooledMethodBuilder";
        w.Line($"[global::System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(global::Workflows.Runtime.{builder}))]");
        w.Open($"internal async {returns} ExecuteAsync()");
        if (layered)
        {
            EmitLayeredBatches(w, spec, plan, positions);
        }
        else
        {
            var batchNumber = 0;
            foreach (var batch in spec.Batches)
            {
                batchNumber++;
                var ids = string.Join(", ", batch.Select(i => spec.Steps[i].Id));
                w.Line(CSharpText.LineComment($"// Batch {batchNumber} of {spec.Batches.Count}: {ids}"));
                foreach (var index in batch)
                {
                    var step = spec.Steps[index];
                    w.Line($"{Field(step)} = {step.Identifier}StepAsync();");
                }

                w.Line();
            }

            w.Line("// Steps never throw. The others are awaited by the steps that depend on them.");
            var hasDependents = new HashSet<int>(spec.Steps.SelectMany(s => s.Dependencies));
            for (var i = 0; i < spec.Steps.Count; i++)
            {
                if (!hasDependents.Contains(i))
                {
                    w.Line($"await {Field(spec.Steps[i])}.ConfigureAwait(false);");
                }
            }
        }

        if (spec.HasCleanup)
        {
            // A durable run that stops to wait or pause has not failed: nothing is undone.
            w.Open(spec.Durable is null ? "if (Failure is { } failure)" : "if (Failure is { } failure && !global::Workflows.Durability.DurableRun.IsPause(failure))");
            EmitCleanup(w, spec, recorder: "Recorder");
            w.Close();
        }

        w.Line("Complete();");
        EmitReturnOutputs(w, spec);
        w.Close();

        var inBatch = new bool[spec.Steps.Count];
        if (layered)
        {
            foreach (var index in spec.Batches.Where(b => b.Count > 1).SelectMany(b => b))
            {
                inBatch[index] = true;
            }
        }

        for (var i = 0; i < spec.Steps.Count; i++)
        {
            if (layered && !inBatch[i])
            {
                continue; // written inline in ExecuteAsync
            }

            EmitConcurrentStep(w, spec, plan, spec.Steps[i], positions[i], layered, inBatch[i]);
        }

        w.Close();
    }

    /// <param name="inBatch">A step of a layered run's batch of several: its exit counts toward the batch's end.</param>
    private static void EmitConcurrentStep(SourceWriter w, WorkflowSpec spec, RunPlan plan, StepSpec step, int position, bool layered, bool inBatch)
    {
        w.Line();
        w.Line($"/// <summary>Step {Xml(Quote(step.Id))}: {(step.RunsWorkflow ? "workflow" : "action")} {Xml(Quote(step.ActionName))}.</summary>");
        if (layered)
        {
            // Awaited once, by ExecuteAsync: its state machine can come from a pool rather than be allocated.
            w.Line("[global::System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(global::Workflows.Runtime.PooledMethodBuilder))]");
            w.Open($"private async {ValueTask} {step.Identifier}StepAsync()");
        }
        else
        {
            w.Open($"private async {Task} {step.Identifier}StepAsync()");
            foreach (var dependency in step.Dependencies)
            {
                w.Line($"await {Field(spec.Steps[dependency])}.ConfigureAwait(false);");
            }
        }

        EmitStepCore(w, spec, plan, step, position, inBatch, inline: false);
        w.Close();
    }

    /// <summary>
    /// A step of a concurrent run: waits for its turn under the run's bound, then calls its action unless the
    /// run is stopping. Never throws: a failure is recorded in the run.
    /// </summary>
    /// <param name="inline">Written inside ExecuteAsync (a step alone in its batch), not as a method of its own.</param>
    private static void EmitStepCore(SourceWriter w, WorkflowSpec spec, RunPlan plan, StepSpec step, int position, bool inBatch, bool inline)
    {
        var exit = inBatch ? $"ExitBatchStep({position});" : $"Exit({position});";
        if (inline)
        {
            w.Line(CSharpText.LineComment($"// Step {Quote(step.Id)}: {(step.RunsWorkflow ? "workflow" : "action")} {Quote(step.ActionName)}."));
        }

        w.Line($"await EnterAsync({position}).ConfigureAwait(false); // the run's MaxDegreeOfParallelism, if any");
        w.Open("if (IsStopping)");
        w.Line(exit);
        if (!inline)
        {
            w.Line("return;");
            w.Close();
            w.Line();
        }
        else
        {
            w.Close();
            w.Open("else");
        }

        w.Open("try");
        EmitStepBody(w, spec, plan, step, instance: "_workflow.", token: "CancellationToken", recorder: "Recorder", storeOutput: plan.IsOutputRead(step));
        w.Close();
        w.Open("catch (global::System.Exception exception)");
        var fail = $"Fail({spec.IndexOf(step)}, {Literal(step.Id)}, exception, {Attempts(step)}{(step.ContinueOnError ? ", continueRun: true" : string.Empty)})";
        if (step.ContinueOnError && plan.IsFailedRead(step))
        {
            w.Open($"if ({fail})");
            w.Line($"{step.FailedVariable} = true;");
            w.Close();
        }
        else
        {
            w.Line(fail + ";");
        }

        w.Close();
        w.Open("finally");
        w.Line(exit);
        w.Close();
        if (inline)
        {
            w.Close();
        }
    }
}
