using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>
/// The members a workflow with a <c>json_context</c> gets for durable runs: its definition's identity, JSON
/// for its inputs and outputs, <c>RunDurableAsync</c>, <c>RecoverAsync</c>, and the checkpoint around each
/// step. Workflows without one get none of it, so their runs pay nothing.
/// </summary>
internal static class DurableEmitter
{
    private const string Durability = "global::Workflows.Durability";
    private const string Json = "global::Workflows.Durability.DurableJson";
    private const string CancellationToken = "global::System.Threading.CancellationToken";
    private const string ValueTask = "global::System.Threading.Tasks.ValueTask";

    public static void EmitMembers(SourceWriter w, WorkflowSpec spec)
    {
        if (spec.Durable is not { } durable)
        {
            return;
        }

        var outputs = spec.Outputs.Count > 0 ? "Outputs" : null;
        var returns = outputs is null ? ValueTask : $"{ValueTask}<Outputs>";
        var inputsParameter = spec.Inputs.Count > 0 ? "Inputs inputs, " : string.Empty;

        w.Line();
        w.Line("/// <summary>Identifies the steps, actions, output types and dependencies a durable run started with.</summary>");
        w.Line($"public const string DefinitionHash = {Literal(durable.DefinitionHash)};");
        w.Line();
        w.Line("/// <summary>Per step: its action and output type, compared with the steps a resumed run completed.</summary>");
        w.Line($"private static readonly string[] s_stepSignatures = {{ {string.Join(", ", durable.StepSignatures.Select(Literal))} }};");
        w.Line();
        w.Line($"/// <summary>Source-generated JSON metadata only: <c>{Xml(durable.JsonContext)}</c>, then the runtime's built-in types.</summary>");
        w.Line($"private static readonly global::System.Text.Json.JsonSerializerOptions s_json = {Json}.CreateOptions({durable.JsonContext}.Default);");
        EmitSignals(w, spec);
        EmitAdmissionOf(w, spec);

        // Inputs and outputs as JSON objects, property by property (the JSON generator cannot see these records).
        w.Line();
        w.Open($"internal static string? SerializeInputs({(spec.Inputs.Count > 0 ? "Inputs inputs" : string.Empty)})");
        if (spec.Inputs.Count == 0)
        {
            w.Line("return null;");
        }
        else
        {
            w.Line($"using var json = {Json}.BeginObject();");
            foreach (var input in spec.Inputs)
            {
                w.Line($"json.Write<{input.Type}>({Literal(input.Name)}, inputs.{input.PropertyName}, s_json);");
            }

            w.Line("return json.Complete();");
        }

        w.Close();
        if (spec.Inputs.Count > 0)
        {
            w.Line();
            w.Open("internal static Inputs DeserializeInputs(string json)");
            w.Line($"using var document = {Json}.Parse(json);");
            w.Open("return new Inputs");
            foreach (var input in spec.Inputs)
            {
                w.Line($"{input.PropertyName} = {Json}.Read<{input.Type}>(document.RootElement, {Literal(input.Name)}, s_json),");
            }

            w.Close(";");
            w.Close();
        }

        if (outputs is not null)
        {
            w.Line();
            w.Open("internal static string SerializeOutputs(Outputs outputs)");
            w.Line($"using var json = {Json}.BeginObject();");
            foreach (var output in spec.Outputs)
            {
                w.Line($"json.Write<{output.Type}>({Literal(output.Name)}, outputs.{output.PropertyName}, s_json);");
            }

            w.Line("return json.Complete();");
            w.Close();
            w.Line();
            w.Open("internal static Outputs DeserializeOutputs(string json)");
            w.Line($"using var document = {Json}.Parse(json);");
            w.Open("return new Outputs");
            foreach (var output in spec.Outputs)
            {
                w.Line($"{output.PropertyName} = {Json}.Read<{output.Type}>(document.RootElement, {Literal(output.Name)}, s_json),");
            }

            w.Close(";");
            w.Close();
        }

        var finishedResult = outputs is null ? "return;" : "return DeserializeOutputs(finished.OutputsJson!);";
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Runs the workflow durably as run <paramref name=\"runId\"/> in <see cref=\"global::Workflows.WorkflowOptions.Store\"/>: every");
        w.Line("/// completed step is recorded before its dependents start, and a run resumed after a crash (same id) skips");
        w.Line("/// the steps it completed. The id is an idempotency key: a run that already succeeded returns its outputs.");
        w.Line("/// </summary>");
        w.Line($"/// <exception cref=\"{Durability}.WorkflowRunFinishedException\">The run already failed or was cancelled.</exception>");
        w.Line($"/// <exception cref=\"{Durability}.WorkflowRunInProgressException\">Another live process is running it.</exception>");
        w.Line($"/// <exception cref=\"{Durability}.WorkflowRunPausedException\">The run is (or was just) paused.</exception>");
        w.Line($"/// <exception cref=\"{Durability}.WorkflowDefinitionChangedException\">Steps it completed no longer match this definition.</exception>");
        w.Open($"public async {returns} RunDurableAsync({inputsParameter}string runId, {CancellationToken} cancellationToken = default)");
        if (spec.Inputs.Count > 0)
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(inputs);");
        }

        w.Line($"var (durable, finished) = await {Durability}.DurableRun.BeginAsync(_options, Descriptor, DefinitionHash, s_stepSignatures, runId, SerializeInputs({(spec.Inputs.Count > 0 ? "inputs" : string.Empty)}), {AdmissionArgument(spec)}cancellationToken).ConfigureAwait(false);");
        w.Open("if (finished is not null)");
        w.Open($"if (finished.Status == {Durability}.RunStatus.Succeeded)");
        w.Line(finishedResult);
        w.Close();
        w.Line();
        w.Line($"throw new {Durability}.WorkflowRunFinishedException(finished);");
        w.Close();
        w.Line();
        w.Line($"{(outputs is null ? string.Empty : "return ")}await RunDurableCoreAsync(durable!, recorder: null, cancellationToken).ConfigureAwait(false);");
        w.Close();

        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Enqueues a durable run: records it pending in <see cref=\"global::Workflows.WorkflowOptions.Store\"/> and returns its id");
        w.Line("/// at once, without running it; a host (or <see cref=\"RecoverAsync\"/>) sharing the store runs it. The id is an");
        w.Line("/// idempotency key: enqueuing an id that exists returns it and changes nothing. <see cref=\"WaitAsync\"/> waits for it.");
        w.Line("/// </summary>");
        w.Open($"public global::System.Threading.Tasks.ValueTask<string> StartAsync({inputsParameter}string? runId = null, {CancellationToken} cancellationToken = default)");
        if (spec.Inputs.Count > 0)
        {
            w.Line("global::System.ArgumentNullException.ThrowIfNull(inputs);");
        }

        w.Line($"return {Durability}.DurableRun.EnqueueAsync(_options, Descriptor, DefinitionHash, runId ?? global::System.Guid.NewGuid().ToString(\"N\"), SerializeInputs({(spec.Inputs.Count > 0 ? "inputs" : string.Empty)}), {AdmissionArgument(spec)}cancellationToken);");
        w.Close();
        w.Line();
        w.Line("/// <summary>Waits, from any process sharing the store, for run <paramref name=\"runId\"/> of this workflow to finish; its outputs.</summary>");
        w.Line($"/// <exception cref=\"{Durability}.WorkflowRunFinishedException\">The run failed or was cancelled.</exception>");
        w.Line($"/// <exception cref=\"{Durability}.WorkflowRunNotFoundException\">There is no such run of this workflow.</exception>");
        w.Open($"public async {returns} WaitAsync(string runId, {CancellationToken} cancellationToken = default)");
        w.Line($"var finished = await {Durability}.DurableRun.WaitAsync(_options, Descriptor, runId, cancellationToken).ConfigureAwait(false);");
        w.Line(outputs is null ? "_ = finished;" : "return DeserializeOutputs(finished.OutputsJson!);");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Resumes this workflow's durable runs that need an owner: left running by a process that died (lease");
        w.Line("/// expired), resumed after a pause, or retried. Runs them one after another; returns how many completed.");
        w.Line("/// </summary>");
        w.Open($"public async global::System.Threading.Tasks.ValueTask<int> RecoverAsync({CancellationToken} cancellationToken = default)");
        w.Line("var completed = 0;");
        w.Line($"await foreach (var durable in global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait({Durability}.DurableRun.ClaimAsync(_options, Descriptor, s_stepSignatures, cancellationToken), false))");
        w.Line("{");
        w.Line("    try");
        w.Line("    {");
        w.Line("        await RunDurableCoreAsync(durable, recorder: null, cancellationToken).ConfigureAwait(false);");
        w.Line("        completed++;");
        w.Line("    }");
        w.Line($"    catch (global::System.Exception exception) when (exception is not global::System.OperationCanceledException || !cancellationToken.IsCancellationRequested)");
        w.Line("    {");
        w.Line("        // Recorded in the store (failed, paused, or left for another owner); recovery goes on with the next run.");
        w.Line("    }");
        w.Line("}");
        w.Line();
        w.Line("return completed;");
        w.Close();

        w.Line();
        w.Line("/// <summary>One execution of a durable run: the run itself, its outcome recorded once.</summary>");
        w.Open($"private async {returns} RunDurableCoreAsync({Durability}.DurableRun durable, global::Workflows.Runtime.RunRecorder? recorder, {CancellationToken} cancellationToken)");
        w.Open("await using (global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(durable, false))");
        if (spec.Inputs.Count > 0)
        {
            w.Line("// On resume the stored inputs win: the run continues with what it started with.");
            w.Line("var inputs = DeserializeInputs(durable.InputsJson!);");
        }

        w.Line("recorder ??= global::Workflows.Runtime.RunRecorder.StartDurable(Descriptor, _options, withReport: false, durable);");
        w.Open("try");
        var entry = spec.Timeout is null ? "RunCoreAsync" : "RunWithinTimeoutAsync";
        var inputsArgument = spec.Inputs.Count > 0 ? "inputs, " : string.Empty;
        if (outputs is null)
        {
            w.Line($"await recorder.TrackAsync({entry}({inputsArgument}recorder, durable.Token)).ConfigureAwait(false);");
            w.Line("await durable.SucceedAsync(null).ConfigureAwait(false);");
        }
        else
        {
            w.Line($"var outputs = await recorder.TrackAsync({entry}({inputsArgument}recorder, durable.Token)).ConfigureAwait(false);");
            w.Line("await durable.SucceedAsync(SerializeOutputs(outputs)).ConfigureAwait(false);");
            w.Line("return outputs;");
        }

        w.Close();
        w.Open("catch (global::System.Exception exception)");
        w.Line("await durable.FailAsync(exception, cancellationToken).ConfigureAwait(false);");
        w.Open($"if ({Durability}.DurableRun.WaitingOf(exception) is {{ }} waiting)");
        w.Line($"throw new {Durability}.WorkflowRunWaitingException(durable.RunId, waiting.WaitingFor);");
        w.Close();
        w.Line();
        w.Open($"if ({Durability}.DurableRun.IsPause(exception))");
        w.Line($"throw new {Durability}.WorkflowRunPausedException(durable.RunId);");
        w.Close();
        w.Line();
        w.Open("if (durable.IsCancelledByControl)");
        w.Line($"throw new {Durability}.WorkflowRunCancelledException(durable.RunId);");
        w.Close();
        w.Line();
        w.Line("throw;");
        w.Close();
        w.Close();
        w.Close();

        w.Line();
        w.Line("/// <summary>A durable run of this workflow as a step of a durable caller: its id derives from the caller's.</summary>");
        w.Open($"private async {returns} RunDurableAsStepAsync({inputsParameter}{Durability}.DurableRun caller, global::Workflows.Runtime.RunRecorder callerRecorder, int callerStep, int callerItem, {CancellationToken} cancellationToken)");
        w.Line("var runId = caller.ChildRunId(callerRecorder.StepIdOf(callerStep), callerItem);");
        w.Line($"var (durable, finished) = await {Durability}.DurableRun.BeginOrWaitAsync(_options, Descriptor, DefinitionHash, s_stepSignatures, runId, SerializeInputs({(spec.Inputs.Count > 0 ? "inputs" : string.Empty)}), {AdmissionArgument(spec)}cancellationToken).ConfigureAwait(false);");
        w.Open("if (finished is not null)");
        w.Open($"if (finished.Status == {Durability}.RunStatus.Succeeded)");
        w.Line(finishedResult);
        w.Close();
        w.Line();
        w.Line($"throw new {Durability}.WorkflowRunFinishedException(finished);");
        w.Close();
        w.Line();
        w.Line($"var recorder = global::Workflows.Runtime.RunRecorder.StartNestedDurable(Descriptor, _options, callerRecorder, callerStep, callerItem, durable!);");
        w.Line($"{(outputs is null ? string.Empty : "return ")}await RunDurableCoreAsync(durable!, recorder, cancellationToken).ConfigureAwait(false);");
        w.Close();
    }

    /// <summary>In <c>RunAsync</c>: with a store, the run is durable (with a new id); <c>durable: true</c> requires one.</summary>
    /// <returns>True when the emitted code always returns or throws (<c>durable: true</c>): nothing may follow it.</returns>
    public static bool EmitRunAsyncRedirect(SourceWriter w, WorkflowSpec spec)
    {
        if (spec.Durable is not { } durable)
        {
            return false;
        }

        var inputs = spec.Inputs.Count > 0 ? "inputs, " : string.Empty;
        var durableRun = $"return RunDurableAsync({inputs}global::System.Guid.NewGuid().ToString(\"N\"), cancellationToken);";
        if (durable.Required)
        {
            w.Open("if (_options.Store is null)");
            w.Line($"throw new global::System.InvalidOperationException(\"Workflow '\" + WorkflowName + \"' is durable (durable: true): set WorkflowOptions.Store to a store.\");");
            w.Close();
            w.Line();
            w.Line(durableRun);
            return true;
        }

        w.Open("if (_options.Store is not null)");
        w.Line(durableRun);
        w.Close();
        w.Line();
        return false;
    }

    /// <summary>In <c>RunAsStepAsync</c>: a durable caller runs this workflow durably too.</summary>
    public static void EmitRunAsStepRedirect(SourceWriter w, WorkflowSpec spec)
    {
        if (spec.Durable is null)
        {
            return;
        }

        var inputs = spec.Inputs.Count > 0 ? "inputs, " : string.Empty;
        w.Open("if (caller?.Durable is { } durableCaller)");
        w.Line($"return RunDurableAsStepAsync({inputs}durableCaller, caller, callerStep, callerItem, cancellationToken);");
        w.Close();
        w.Line();
    }

    /// <summary>Restores a step completed by an earlier execution of the run instead of calling its action.</summary>
    /// <returns>True when the caller must close the <c>else</c> block with <see cref="EmitRecord"/>.</returns>
    public static bool EmitRestore(SourceWriter w, WorkflowSpec spec, StepSpec step, string recorder, bool storeOutput)
    {
        if (spec.Durable is null || step.ForEach is not null)
        {
            return false;
        }

        // Names per step: consecutive steps of a sequential run can share one scope.
        var restored = Camel(step.Identifier) + "Restored";
        w.Open($"if ({recorder}?.Durable?.TryGetCompleted({Literal(step.Id)}, -1, out var {restored}) == true)");
        if (step.HasOutput && storeOutput)
        {
            w.Line($"{step.OutputVariable} = {Deserialize(spec, step, restored + "!")};");
        }
        else
        {
            w.Line($"_ = {restored};");
        }

        w.Close();
        w.Open("else"); // the pause was checked before the step was reported started
        return true;
    }

    /// <summary>Records the completed step before anything that depends on it can start; closes the <c>else</c>.</summary>
    public static void EmitRecord(SourceWriter w, WorkflowSpec spec, StepSpec step, string recorder, string attempts, bool storeOutput)
    {
        var index = spec.IndexOf(step);
        var output = step.HasOutput && storeOutput ? Serialize(spec, step, step.OutputVariable) : "null";
        var checkpoint = Camel(step.Identifier) + "Checkpoint";
        w.Open($"if ({recorder}?.Durable is {{ }} {checkpoint})");
        w.Line($"await {checkpoint}.RecordAsync({Literal(step.Id)}, -1, s_stepSignatures[{index}], {attempts}, {output}).ConfigureAwait(false);");
        w.Close();
        w.Close();
    }

    /// <summary>
    /// A waiting step: <c>DurableWaits.SignalAsync</c> or <c>SleepAsync</c>, which restore a completed wait, consume
    /// a stored signal (recording the step with it), or leave the run waiting.
    /// </summary>
    public static string WaitStatement(WorkflowSpec spec, StepSpec step, string instance, string token, string? recorder, bool storeOutput)
    {
        var wait = step.Wait!;
        var durable = recorder is null ? "null" : recorder + "?.Durable";
        var signature = $"s_stepSignatures[{spec.IndexOf(step)}]";
        if (!wait.IsSignal)
        {
            return $"await {Durability}.DurableWaits.SleepAsync({durable}, {Literal(step.Id)}, {signature}, {Ticks(wait.Sleep!)}, {instance}_options.TimeProvider, {token}).ConfigureAwait(false);";
        }

        var timeout = wait.Timeout is { } t ? Ticks(t) : "null";
        if (wait.PayloadType is not { } type)
        {
            return $"await {Durability}.DurableWaits.SignalAsync({durable}, {Literal(step.Id)}, {signature}, {Literal(wait.SignalName!)}, {timeout}, {token}).ConfigureAwait(false);";
        }

        var store = storeOutput ? step.OutputVariable : "_";
        return $"{store} = await {Durability}.DurableWaits.SignalAsync<{type}>({durable}, {Literal(step.Id)}, {signature}, {Literal(wait.SignalName!)}, {timeout}, s_json, {token}).ConfigureAwait(false);";
    }

    private static string Ticks(DurationSpec duration)
        => $"global::System.TimeSpan.FromTicks({duration.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)}L)";

    /// <summary>Per signal: a constant with its name and a typed send method, so a wrong payload does not compile.</summary>
    private static void EmitSignals(SourceWriter w, WorkflowSpec spec)
    {
        foreach (var step in spec.Steps)
        {
            if (step.Wait is not { IsSignal: true } wait)
            {
                continue;
            }

            var member = Identifiers.ToPascalCase(wait.SignalName!);
            var constant = member + "Signal";
            w.Line();
            w.Line($"/// <summary>The name of the signal step <c>{Xml(step.Id)}</c> waits for.</summary>");
            w.Line($"public const string {constant} = {Literal(wait.SignalName!)};");
            w.Line();
            w.Line($"/// <summary>");
            w.Line($"/// Sends signal <c>{Xml(wait.SignalName!)}</c> to run <paramref name=\"runId\"/>: stored once (a resend with the same");
            w.Line("/// <paramref name=\"signalId\"/> is ignored) and consumed by step <c>" + Xml(step.Id) + "</c>, now if the run waits for it, else when it gets there.");
            w.Line("/// </summary>");
            w.Line("/// <returns>False when a signal with this id was sent before (nothing changed).</returns>");
            w.Line($"/// <exception cref=\"{Durability}.WorkflowSignalRefusedException\">The run does not exist or has finished.</exception>");
            var payload = wait.PayloadType is { } type ? $"{type} payload, " : string.Empty;
            var json = wait.PayloadType is { } t ? $"{Json}.Serialize<{t}>(payload, s_json)" : "null";
            w.Open($"public static {ValueTask}<bool> Send{member}Async({Durability}.WorkflowRuns runs, string runId, {payload}string? signalId = null, {CancellationToken} cancellationToken = default)");
            w.Line("global::System.ArgumentNullException.ThrowIfNull(runs);");
            w.Line($"return runs.SignalAsync(runId, {constant}, {json}, signalId, cancellationToken);");
            w.Close();
        }
    }

    /// <summary>The descriptor's signals: names, payload types, and a check of a payload's JSON (for the command line).</summary>
    public static void EmitSignalDescriptors(SourceWriter w, WorkflowSpec spec)
    {
        w.Line("    Signals = new global::Workflows.WorkflowSignalDescriptor[]");
        w.Line("    {");
        foreach (var step in spec.Steps)
        {
            if (step.Wait is { IsSignal: true } wait)
            {
                var check = wait.PayloadType is { } type ? $"static json => {Json}.Deserialize<{type}>(json, s_json!)" : "null"; // s_json is declared (and set) after Descriptor
                var typeName = wait.PayloadType is { } display ? Literal(display.StartsWith("global::", System.StringComparison.Ordinal) ? display.Substring(8) : display) : "null";
                w.Line($"        new global::Workflows.WorkflowSignalDescriptor({Literal(wait.SignalName!)}, {Literal(step.Id)}, {typeName}, {check}),");
            }
        }

        w.Line("    },");
    }

    /// <summary>The descriptor's limits across runs (<c>concurrency:</c>, <c>rate:</c>), which the store enforces.</summary>
    public static void EmitLimits(SourceWriter w, LimitsSpec limits)
    {
        var concurrency = limits.Concurrency is { } limit ? limit.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null";
        var rate = limits.RateCount is { } count
            ? $", rateCount: {count.ToString(System.Globalization.CultureInfo.InvariantCulture)}, ratePeriod: global::System.TimeSpan.FromTicks({limits.RatePeriodTicks!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
            : string.Empty;
        w.Line($"    Limits = new {Durability}.RunLimits(concurrency: {concurrency}{rate}),");
    }

    /// <summary>
    /// Where a new run queues (its concurrency key and priority, from its inputs), for workflows with limits or a
    /// priority; an empty string otherwise, for the calls that start runs.
    /// </summary>
    private static string AdmissionArgument(WorkflowSpec spec)
        => spec.Limits is null ? string.Empty : $"AdmissionOf({(spec.Inputs.Count > 0 ? "inputs" : string.Empty)}), ";

    private static void EmitAdmissionOf(SourceWriter w, WorkflowSpec spec)
    {
        if (spec.Limits is not { } limits)
        {
            return;
        }

        w.Line();
        w.Line("/// <summary>Where a new run queues for admission: its concurrency key and priority, computed from its inputs.</summary>");
        w.Line($"private static {Durability}.RunAdmission AdmissionOf({(spec.Inputs.Count > 0 ? "Inputs inputs" : string.Empty)}) => new {Durability}.RunAdmission({limits.KeyCode}, {limits.PriorityCode});");
    }

    public static bool HasSignals(WorkflowSpec spec) => spec.Durable is not null && spec.Steps.Any(s => s.Wait is { IsSignal: true });

    private static string Camel(string identifier) => char.ToLowerInvariant(identifier[0]) + identifier.Substring(1);

    /// <summary>For a foreach item: restore it, or run it and record it.</summary>
    public static bool IsDurableItem(WorkflowSpec spec, StepSpec step) => spec.Durable is not null && step.ForEach is not null;

    public static void EmitItemRestore(SourceWriter w, WorkflowSpec spec, StepSpec step, string recorder)
    {
        w.Open($"if ({recorder}?.Durable is {{ }} durable && durable.TryGetCompleted({Literal(step.Id)}, index, out var restoredJson))");
        w.Line(step.ForEach!.ItemOutputType is null ? "return;" : $"return {DeserializeItem(spec, step, "restoredJson!")};");
        w.Close();
        w.Line();
        w.Line($"{recorder}?.Durable?.ThrowIfPaused();");
    }

    public static void EmitItemRecord(SourceWriter w, WorkflowSpec spec, StepSpec step, string recorder, string attempts, string? result)
    {
        var output = result is null ? "null" : SerializeItem(spec, step, result);
        w.Open($"if ({recorder}?.Durable is {{ }} checkpoint)");
        w.Line($"await checkpoint.RecordAsync({Literal(step.Id)}, index, s_stepSignatures[{spec.IndexOf(step)}], {attempts}, {output}).ConfigureAwait(false);");
        w.Close();
    }

    private static string Serialize(WorkflowSpec spec, StepSpec step, string value)
        => step.RunsWorkflow ? $"{spec.Children[step.ChildIndex].ClassName}.SerializeOutputs({value})" : $"{Json}.Serialize<{step.OutputType}>({value}, s_json)";

    private static string Deserialize(WorkflowSpec spec, StepSpec step, string json)
        => step.RunsWorkflow ? $"{spec.Children[step.ChildIndex].ClassName}.DeserializeOutputs({json})" : $"{Json}.Deserialize<{step.OutputType}>({json}, s_json)";

    private static string SerializeItem(WorkflowSpec spec, StepSpec step, string value)
        => step.RunsWorkflow ? $"{spec.Children[step.ChildIndex].ClassName}.SerializeOutputs({value})" : $"{Json}.Serialize<{step.ForEach!.ItemOutputType}>({value}, s_json)";

    private static string DeserializeItem(WorkflowSpec spec, StepSpec step, string json)
        => step.RunsWorkflow ? $"{spec.Children[step.ChildIndex].ClassName}.DeserializeOutputs({json})" : $"{Json}.Deserialize<{step.ForEach!.ItemOutputType}>({json}, s_json)";

    private static string Literal(string value) => CSharpText.StringLiteral(value);

    private static string Xml(string text) => CSharpText.XmlDocText(text);
}
