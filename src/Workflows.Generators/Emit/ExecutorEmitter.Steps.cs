using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>One step's work in any shape: its condition, its action call (directly, through its resilience pipeline, or per foreach item) and what is recorded.</summary>
internal static partial class ExecutorEmitter
{
    /// <summary>The action call, inside the run condition when the step may be skipped, reported to the recorder.</summary>
    /// <param name="recorder">C# for the run's recorder; null in a run that records nothing (synchronous steps only).</param>
    private static void EmitStepBody(SourceWriter w, WorkflowSpec spec, RunPlan plan, StepSpec step, string instance, string token, string? recorder, bool storeOutput = true)
    {
        var index = spec.IndexOf(step);
        var condition = plan.RunCondition(step);
        if (condition is not null)
        {
            w.Open($"if ({condition})");
        }

        if (recorder is not null && spec.Durable is not null)
        {
            // The one pause check of a durable step, before it is reported: a paused run reports no step as started.
            w.Line($"{recorder}?.Durable?.ThrowIfPaused();");
        }

        RecorderLine(w, recorder, $"Started({index})");
        var checkpointed = step.Wait is null && recorder is not null && DurableEmitter.EmitRestore(w, spec, step, recorder, storeOutput);
        if (step.Wait is not null)
        {
            // Restored, consumed and recorded by the runtime: a wait and its record are one transaction.
            w.Line(DurableEmitter.WaitStatement(spec, step, instance, token, recorder, storeOutput));
        }
        else if (step.ForEach is not null)
        {
            EmitForEachCall(w, spec, step, instance, token, recorder!, storeOutput);
        }
        else if (step.Resilience is not null)
        {
            EmitResilientCall(w, spec, step, instance, token, recorder!, storeOutput && step.HasOutput ? step.OutputVariable + " = " : string.Empty, step.AttemptsVariable, "-1");
        }
        else
        {
            w.Line(CallStatement(spec, step, instance, token, recorder, storeOutput));
        }

        if (checkpointed)
        {
            DurableEmitter.EmitRecord(w, spec, step, recorder!, Attempts(step), storeOutput);
        }

        if (plan.IsSucceededRead(step))
        {
            w.Line($"{step.SucceededVariable} = true;");
        }

        RecorderLine(w, recorder, $"Succeeded({index}, {Attempts(step)})");
        EmitRegisterCompensation(w, spec, step, instance);
        if (condition is not null)
        {
            w.Close();
            if (recorder is not null)
            {
                w.Open("else");
                w.Line($"{recorder}?.Skipped({index});");
                w.Close();
            }
        }
    }

    private static string Attempts(StepSpec step) => step.Resilience is null ? "1" : step.AttemptsVariable;

    /// <summary><c>recorder?.Call(...);</c>, or nothing in a run that records nothing.</summary>
    private static void RecorderLine(SourceWriter w, string? recorder, string call)
    {
        if (recorder is not null)
        {
            w.Line($"{recorder}?.{call};");
        }
    }

    /// <summary>
    /// The action called through the step's Polly pipeline, counting attempts. The pooled context carries the
    /// run's recorder to the pipeline's retry callback.
    /// </summary>
    /// <param name="store">What comes before the awaited pipeline: an assignment, <c>return </c>, or nothing.</param>
    /// <param name="attempts">The variable that counts the attempts.</param>
    /// <param name="itemIndex">C# for the foreach item's index; -1 outside a foreach.</param>
    private static void EmitResilientCall(SourceWriter w, WorkflowSpec spec, StepSpec step, string instance, string token, string recorder, string store, string attempts, string itemIndex)
    {
        var call = Call(spec, step, instance, "attempt.CancellationToken", recorder, attempts, itemIndex);
        var pipeline = instance + step.InstancePipelineField;
        w.Line($"var resilienceContext = global::Polly.ResilienceContextPool.Shared.Get({token});");
        w.Open($"if ({recorder} is not null)");
        w.Line($"resilienceContext.Properties.Set({Recorder}.PropertyKey, {recorder});");
        w.Close();
        w.Line();
        w.Open("try");
        switch (step.ReturnKind)
        {
            case ActionReturnKind.Void:
                w.Line($"await {pipeline}.ExecuteAsync(attempt =>");
                w.Line("{");
                w.Line($"    {attempts}++;");
                w.Line($"    {call};");
                w.Line($"    return {ValueTask}.CompletedTask;");
                break;
            case ActionReturnKind.Value:
                w.Line($"{store}await {pipeline}.ExecuteAsync(attempt =>");
                w.Line("{");
                w.Line($"    {attempts}++;");
                w.Line($"    return new {ValueTask}<{step.ForEach?.ItemOutputType ?? step.OutputType}>({call});");
                break;
            case ActionReturnKind.Task:
            case ActionReturnKind.ValueTask:
                w.Line($"await {pipeline}.ExecuteAsync(async attempt =>");
                w.Line("{");
                w.Line($"    {attempts}++;");
                w.Line($"    await {call}.ConfigureAwait(false);");
                break;
            default:
                w.Line($"{store}await {pipeline}.ExecuteAsync(async attempt =>");
                w.Line("{");
                w.Line($"    {attempts}++;");
                w.Line($"    return await {call}.ConfigureAwait(false);");
                break;
        }

        w.Line("}, resilienceContext).ConfigureAwait(false);");
        w.Close();
        w.Open("finally");
        w.Line("global::Polly.ResilienceContextPool.Shared.Return(resilienceContext);");
        if (attempts != step.AttemptsVariable)
        {
            w.Line($"global::Workflows.Runtime.ForEach.RecordAttempts(ref {step.AttemptsVariable}, {attempts});");
        }

        w.Close();
    }

    /// <summary>
    /// A foreach step: the action called once per item through the runtime's bounded loop, with the item's
    /// own retry and timeout. The step's output is the array of results, in input order.
    /// </summary>
    private static void EmitForEachCall(SourceWriter w, WorkflowSpec spec, StepSpec step, string instance, string token, string recorder, bool storeOutput)
    {
        var forEach = step.ForEach!;
        var store = storeOutput && step.HasOutput ? step.OutputVariable + " = " : step.HasOutput ? "_ = " : string.Empty;
        var typeArguments = forEach.ItemOutputType is { } output ? $"<{forEach.ItemType}, {output}>" : $"<{forEach.ItemType}>";
        var maxParallel = forEach.MaxParallel is { } bound
            ? bound.ToString(System.Globalization.CultureInfo.InvariantCulture) + " /* max_parallel */"
            : instance + "MaxParallel";
        w.Line($"{store}await global::Workflows.Runtime.ForEach.RunAsync{typeArguments}(");
        w.Line($"    {forEach.Source},");
        w.Line($"    {maxParallel},");
        w.Line($"    continueOnError: {(step.ContinueOnError ? "true" : "false")},");
        if (DurableEmitter.IsDurableItem(spec, step))
        {
            // Each item is a checkpoint of its own: restored on resume, recorded when it completes.
            var hasResult = forEach.ItemOutputType is not null;
            w.Line($"    async ({forEach.ItemType} item, int index, {CancellationToken} itemToken) =>");
            w.Line("    {");
            w.Indent += 2;
            DurableEmitter.EmitItemRestore(w, spec, step, recorder);
            if (hasResult)
            {
                w.Line($"{forEach.ItemOutputType} result = default!;");
            }

            var attempts = "1";
            if (step.Resilience is not null)
            {
                w.Line("var attemptsOfItem = 0;"); // not itemAttempts: the attempts field of a step with id 'item'
                EmitResilientCall(w, spec, step, instance, "itemToken", recorder, hasResult ? "result = " : string.Empty, "attemptsOfItem", "index");
                attempts = "attemptsOfItem";
            }
            else
            {
                var call = Call(spec, step, instance, "itemToken", recorder, "1", "index");
                w.Line(step.ReturnKind switch
                {
                    ActionReturnKind.Void => call + ";",
                    ActionReturnKind.Value => $"result = {call};",
                    ActionReturnKind.Task or ActionReturnKind.ValueTask => $"await {call}.ConfigureAwait(false);",
                    _ => $"result = await {call}.ConfigureAwait(false);",
                });
            }

            DurableEmitter.EmitItemRecord(w, spec, step, recorder, attempts, hasResult ? "result" : null);
            if (hasResult)
            {
                w.Line("return result;");
            }

            w.Indent -= 2;
            w.Line("    },");
        }
        else if (step.Resilience is not null)
        {
            w.Line($"    async ({forEach.ItemType} item, int index, {CancellationToken} itemToken) =>");
            w.Line("    {");
            w.Indent++;
            w.Indent++;
            w.Line("var attemptsOfItem = 0;"); // not itemAttempts: the attempts field of a step with id 'item'
            EmitResilientCall(w, spec, step, instance, "itemToken", recorder, step.ReturnKind is ActionReturnKind.Void or ActionReturnKind.Task or ActionReturnKind.ValueTask ? string.Empty : "return ", "attemptsOfItem", "index");
            w.Indent--;
            w.Indent--;
            w.Line("    },");
        }
        else
        {
            var call = Call(spec, step, instance, "itemToken", recorder, "1", "index");
            var body = step.ReturnKind switch
            {
                ActionReturnKind.Void => $"{{ {call}; return default; }}",
                ActionReturnKind.Value => $"new {ValueTask}<{forEach.ItemOutputType}>({call})",
                ActionReturnKind.Task => $"new {ValueTask}({call})",
                ActionReturnKind.TaskOfT => $"new {ValueTask}<{forEach.ItemOutputType}>({call})",
                _ => call,
            };
            w.Line($"    ({forEach.ItemType} item, int index, {CancellationToken} itemToken) => {body},");
        }

        w.Line($"    {token}).ConfigureAwait(false);");
    }

    private static string CallStatement(WorkflowSpec spec, StepSpec step, string instance, string token, string? recorder, bool storeOutput = true)
    {
        var call = Call(spec, step, instance, token, recorder, "1", "-1");
        var store = storeOutput ? step.OutputVariable : "_";
        return step.ReturnKind switch
        {
            ActionReturnKind.Void => call + ";",
            ActionReturnKind.Value => $"{store} = {call};",
            ActionReturnKind.Task or ActionReturnKind.ValueTask => "await " + call + ".ConfigureAwait(false);",
            _ => $"{store} = await {call}.ConfigureAwait(false);",
        };
    }

    /// <param name="attempt">C# for the attempt number, for a <c>StepContext</c>.</param>
    /// <param name="itemIndex">C# for the foreach item's index; -1 outside a foreach.</param>
    private static string Call(WorkflowSpec spec, StepSpec step, string instance, string token, string? recorder, string attempt, string itemIndex)
    {
        if (!step.RunsWorkflow)
        {
            return Call(spec, step.HostIndex, step.ContainingType, step.MethodName, step.Arguments, instance, token, StepContext(step, instance, token, attempt, itemIndex, recorder));
        }

        // Another workflow: its Inputs record from the with: values; its report nests in this step's.
        var child = spec.Children[step.ChildIndex];
        var inputs = child.HasInputs
            ? $"new {child.ClassName}.Inputs {{ {string.Join(", ", step.Arguments.Select(a => a.ParameterName + " = " + a.Expression))} }}, "
            : string.Empty;
        return $"{instance}{child.FieldName}.RunAsStepAsync({inputs}{recorder}, {spec.IndexOf(step)}, {itemIndex}, {token})";
    }

    private static string StepContext(StepSpec step, string instance, string token, string attempt, string itemIndex, string? recorder)
        => $"new global::Workflows.StepContext(WorkflowName, {Literal(step.Id)}, {attempt}, {instance}_options, {token}, {itemIndex}{(recorder is null ? string.Empty : $", {recorder}?.Durable?.RunId")})";

    private static string Call(WorkflowSpec spec, int hostIndex, string containingType, string methodName, EquatableArray<ArgumentSpec> stepArguments, string instance, string token, string stepContext)
    {
        var target = hostIndex < 0 ? containingType : instance + spec.Hosts[hostIndex].FieldName;
        var arguments = new StringBuilder();
        foreach (var argument in stepArguments)
        {
            if (arguments.Length > 0)
            {
                arguments.Append(", ");
            }

            arguments.Append(argument.ParameterName).Append(": ");
            arguments.Append(argument.Source switch
            {
                ArgumentSource.CancellationToken => token,
                ArgumentSource.StepContext => stepContext,
                _ => argument.Expression,
            });
        }

        return $"{target}.{methodName}({arguments})";
    }

    private static bool IsAwaited(ActionReturnKind kind) => kind is not (ActionReturnKind.Void or ActionReturnKind.Value);
}
