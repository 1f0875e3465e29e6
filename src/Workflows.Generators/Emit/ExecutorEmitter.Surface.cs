using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>The executor's public surface: the Inputs and Outputs records, RunAsync and RunWithReportAsync with their documentation, the dry-run Plan, and returning the outputs.</summary>
internal static partial class ExecutorEmitter
{
    private static void EmitInputsAndOutputs(SourceWriter w, WorkflowSpec spec)
    {
        if (spec.Inputs.Count > 0)
        {
            w.Line();
            w.Line($"/// <summary>The inputs of the workflow {Xml(Quote(spec.WorkflowName))}.</summary>");
            w.Open("public sealed record Inputs");
            var first = true;
            foreach (var input in spec.Inputs)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                w.Line($"/// <summary>{Xml(input.Description ?? "The input '" + input.Name + "'.")}</summary>");
                var required = input.IsRequired ? "required " : string.Empty;
                var initializer = input.DefaultValue is null ? string.Empty : " = " + input.DefaultValue + ";";
                w.Line($"public {required}{input.Type} {input.PropertyName} {{ get; init; }}{initializer}");
            }

            w.Close();
        }

        if (spec.Outputs.Count > 0)
        {
            w.Line();
            w.Line($"/// <summary>The outputs of the workflow {Xml(Quote(spec.WorkflowName))}.</summary>");
            w.Open("public sealed record Outputs");
            var first = true;
            foreach (var output in spec.Outputs)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                w.Line($"/// <summary>The output '{Xml(output.Name)}'.</summary>");
                w.Line($"public required {output.Type} {output.PropertyName} {{ get; init; }}");
            }

            w.Close();
        }
    }

    private static void EmitRunAsyncDocumentation(SourceWriter w, WorkflowSpec spec)
    {
        w.Line("/// <summary>");
        w.Line("/// Runs the workflow. Each step starts as soon as the steps it depends on have finished.");
        w.Line("/// </summary>");
        if (spec.Inputs.Count > 0)
        {
            w.Line("/// <param name=\"inputs\">The workflow's inputs.</param>");
        }

        w.Line("/// <param name=\"cancellationToken\">Cancels the run; every running action receives it.</param>");
        if (spec.Outputs.Count > 0)
        {
            w.Line("/// <returns>The workflow's outputs.</returns>");
        }

        w.Line("/// <exception cref=\"global::Workflows.WorkflowFailedException\">A step failed; the step's exception is the inner exception.</exception>");
        w.Line("/// <exception cref=\"global::System.OperationCanceledException\"><paramref name=\"cancellationToken\"/> was cancelled.</exception>");
        if (spec.Timeout is { } timeout)
        {
            w.Line($"/// <exception cref=\"global::System.TimeoutException\">The run took longer than the workflow's timeout, {Xml(timeout.Text)}.</exception>");
        }
    }

    private static string Returns(WorkflowSpec spec) => spec.Outputs.Count > 0 ? ValueTask + "<Outputs>" : ValueTask;

    private static string InputsParameter(WorkflowSpec spec) => spec.Inputs.Count > 0 ? "Inputs inputs, " : string.Empty;

    private static string InputsArgument(WorkflowSpec spec) => spec.Inputs.Count > 0 ? "inputs, " : string.Empty;

    /// <summary>The private method both public entry points call: the run itself, or the timeout around it.</summary>
    private static string Entry(WorkflowSpec spec) => spec.Timeout is null ? "RunCoreAsync" : "RunWithinTimeoutAsync";

    /// <summary>The call that runs the workflow when nobody observes it.</summary>
    private static string UnobservedEntry(WorkflowSpec spec)
        => HasUnobservedRun(spec)
            ? $"RunUnobservedAsync({InputsArgument(spec)}cancellationToken)"
            : $"{Entry(spec)}({InputsArgument(spec)}recorder: null, cancellationToken)";

    private static string CoreSignature(WorkflowSpec spec, bool isAsync)
        => $"private {(isAsync ? "async " : string.Empty)}{Returns(spec)} RunCoreAsync({InputsParameter(spec)}{Recorder}? recorder, {CancellationToken} cancellationToken)";

    /// <summary>RunAsync and RunWithReportAsync, and the workflow's timeout around the run when it has one.</summary>
    private static void EmitPublicRunMethods(SourceWriter w, WorkflowSpec spec)
    {
        w.Line();
        EmitRunAsyncDocumentation(w, spec);
        w.Open($"public {Returns(spec)} RunAsync({InputsParameter(spec)}{CancellationToken} cancellationToken = default)");
        if (spec.Inputs.Count > 0)
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(inputs);");
        }

        // durable: true ends RunAsync in the redirect (a store, else a throw): code after it would be unreachable (CS0162).
        if (!DurableEmitter.EmitRunAsyncRedirect(w, spec))
        {
            w.Line("// Null unless someone listens (an observer, progress, traces or metrics): an unobserved run records nothing.");
            w.Line($"var recorder = {Recorder}.Start(Descriptor, _options, withReport: false);");
            w.Line("return recorder is null");
            w.Line($"    ? {UnobservedEntry(spec)}");
            w.Line($"    : recorder.TrackAsync({Entry(spec)}({InputsArgument(spec)}recorder, cancellationToken));");
        }

        w.Close();

        var result = spec.Outputs.Count > 0 ? "global::Workflows.WorkflowRunResult<Outputs>" : "global::Workflows.WorkflowRunResult";
        w.Line();
        w.Line("/// <summary>Runs the workflow like <see cref=\"RunAsync\"/> and reports what each step did.</summary>");
        w.Line("/// <remarks>A failure's <see cref=\"global::Workflows.WorkflowFailedException.Report\"/> holds the report too.</remarks>");
        w.Open($"public async {ValueTask}<{result}> RunWithReportAsync({InputsParameter(spec)}{CancellationToken} cancellationToken = default)");
        if (spec.Inputs.Count > 0)
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(inputs);");
        }

        w.Line($"var recorder = {Recorder}.Start(Descriptor, _options, withReport: true)!;");
        if (spec.Outputs.Count > 0)
        {
            w.Line($"var outputs = await recorder.TrackAsync({Entry(spec)}({InputsArgument(spec)}recorder, cancellationToken)).ConfigureAwait(false);");
            w.Line($"return new {result}(outputs, recorder.Report);");
        }
        else
        {
            w.Line($"await recorder.TrackAsync({Entry(spec)}({InputsArgument(spec)}recorder, cancellationToken)).ConfigureAwait(false);");
            w.Line($"return new {result}(recorder.Report);");
        }

        w.Close();

        w.Line();
        w.Line("/// <summary>Runs the workflow as a step of another (<c>workflow:</c>): its report nests in the caller's step.</summary>");
        w.Open($"internal {Returns(spec)} RunAsStepAsync({InputsParameter(spec)}{Recorder}? caller, int callerStep, int callerItem, {CancellationToken} cancellationToken)");
        DurableEmitter.EmitRunAsStepRedirect(w, spec);
        w.Line($"var recorder = {Recorder}.StartNested(Descriptor, _options, caller, callerStep, callerItem);");
        w.Line("return recorder is null");
        w.Line($"    ? {UnobservedEntry(spec)}");
        w.Line($"    : recorder.TrackAsync({Entry(spec)}({InputsArgument(spec)}recorder, cancellationToken));");
        w.Close();

        if (spec.Timeout is { } timeout)
        {
            w.Line();
            w.Line($"/// <summary>The workflow's timeout, {Xml(timeout.Text)}: past it the run is cancelled and fails with a TimeoutException.</summary>");
            w.Open($"private async {Returns(spec)} RunWithinTimeoutAsync({InputsParameter(spec)}{Recorder}? recorder, {CancellationToken} cancellationToken)");
            w.Line($"using var timeout = new global::System.Threading.CancellationTokenSource({TimeSpan(timeout)}, _timeProvider);");
            w.Line("using var run = global::System.Threading.CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);");
            w.Open("try");
            w.Line($"{(spec.Outputs.Count > 0 ? "return " : string.Empty)}await RunCoreAsync({InputsArgument(spec)}recorder, run.Token).ConfigureAwait(false);");
            w.Close();
            w.Open("catch (global::System.OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)");
            w.Line($"throw new global::System.TimeoutException(\"Workflow '\" + WorkflowName + {Literal("' did not finish within its timeout of " + timeout.Text + ".")});");
            w.Close();
            w.Close();
        }
    }

    /// <summary>The dry run: which steps would run for given inputs, with no action called.</summary>
    private static void EmitPlan(SourceWriter w, WorkflowSpec spec)
    {
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// What a run would do for these inputs, without calling any action: for each step, true (runs), false");
        w.Line("/// (skipped) or null (its <c>if:</c> reads step outputs or statuses, which only a run knows).");
        w.Line("/// </summary>");
        w.Open($"public static global::Workflows.WorkflowPlan Plan({(spec.Inputs.Count > 0 ? "Inputs inputs" : string.Empty)})");
        if (spec.Inputs.Count > 0)
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(inputs);");
        }

        var conditions = spec.Steps.Select(step => step.Condition is null ? "true" : step.ConditionReadsInputsOnly ? step.Condition : "null");
        var always = spec.Steps.Select(step => step.RunsAfterSkippedDependencies ? "true" : "false");
        w.Line("return global::Workflows.WorkflowPlan.Create(");
        w.Line("    Descriptor,");
        w.Line($"    conditions: new bool?[] {{ {string.Join(", ", conditions)} }},");
        w.Line($"    runsAfterSkippedDependencies: new bool[] {{ {string.Join(", ", always)} }});");
        w.Close();
    }

    /// <param name="wrapped">In a method that is not async: the outputs in a completed <c>ValueTask</c>.</param>
    private static void EmitReturnOutputs(SourceWriter w, WorkflowSpec spec, bool wrapped = false)
    {
        if (spec.Outputs.Count == 0)
        {
            return;
        }

        w.Open(wrapped ? $"return new {ValueTask}<Outputs>(new Outputs" : "return new Outputs");
        foreach (var output in spec.Outputs)
        {
            w.Line($"{output.PropertyName} = {output.Value},");
        }

        w.Close(wrapped ? ");" : ";");
    }
}
