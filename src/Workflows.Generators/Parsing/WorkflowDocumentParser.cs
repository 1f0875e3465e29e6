using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Yaml;
using Workflows.Text;

namespace Workflows.Generators.Parsing;

/// <summary>
/// Reads a workflow file into a <see cref="WorkflowDocument"/>, reporting syntax (WF0005), schema (WF0006)
/// and naming (WF0009) problems. Knows nothing about C#: binding to actions is <see cref="Binding.WorkflowBinder"/>'s job.
/// </summary>
internal sealed partial class WorkflowDocumentParser
{
    // The same patterns as workflow.schema.json; match them through Whole, because .NET's $ also matches before a final \n.
    private static readonly Regex s_stepId = new("^[A-Za-z_][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex s_signalName = new("^[A-Za-z][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex s_workflowName = new("^[A-Za-z][A-Za-z0-9 _.-]*$", RegexOptions.CultureInvariant);

    private readonly string _path;
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private WorkflowDocumentParser(string path) => _path = path;

    public static bool IsWorkflowFile(string path)
        => path.EndsWith(".workflow.yaml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".workflow.yml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".workflow.json", StringComparison.OrdinalIgnoreCase);

    public static WorkflowDocument Parse(string path, string? text)
    {
        var parser = new WorkflowDocumentParser(path);
        return parser.ParseCore(text ?? string.Empty);
    }

    private WorkflowDocument ParseCore(string text)
    {
        var isJson = _path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

        // JSON allows tabs as whitespace where YAML does not; one space for one tab keeps every position.
        var source = isJson ? text.Replace('\t', ' ') : text;
        var read = YamlTreeReader.Read(source);
        if (read.Error is not null)
        {
            var at = new SourceSpan(_path, read.ErrorPosition.Offset, read.ErrorPosition.Offset, read.ErrorPosition.Line, read.ErrorPosition.Column, read.ErrorPosition.Line, read.ErrorPosition.Column);
            Report(DiagnosticDescriptors.MalformedFile, at, isJson ? "JSON" : "YAML", read.Error);
            return Result(null, null, null, default, default, EquatableArray<StepDocument>.Empty);
        }

        if (read.Root is not YamlMapping root)
        {
            var span = read.Root is null ? SourceSpan.StartOf(_path) : Span(read.Root);
            Report(DiagnosticDescriptors.SchemaViolation, span, "A workflow file must be a mapping with at least the keys 'name' and 'steps'.");
            return Result(null, null, null, default, default, EquatableArray<StepDocument>.Empty);
        }

        LocatedString? name = null;
        LocatedString? ns = null;
        string? description = null;
        var inputs = EquatableArray<InputDocument>.Empty;
        var outputs = EquatableArray<OutputDocument>.Empty;
        var steps = EquatableArray<StepDocument>.Empty;
        DurationValue? timeout = null;
        var onFailure = EquatableArray<StepDocument>.Empty;
        int? maxParallel = null;
        LocatedString? durable = null;
        LocatedString? jsonContext = null;
        LocatedString? version = null;
        ConcurrencyDocument? concurrency = null;
        RateDocument? rate = null;
        ArgumentValue? priority = null;
        var schedules = EquatableArray<ScheduleDocument>.Empty;
        var sawSteps = false;

        foreach (var (keyNode, value) in Entries(root, WorkflowSchema.WorkflowKeys, "the workflow"))
        {
            switch (keyNode.Value)
            {
                case WorkflowSchema.Name:
                    name = RequireString(value, "The workflow's 'name'");
                    if (name is { } n && !Whole(s_workflowName, n.Value))
                    {
                        Report(DiagnosticDescriptors.InvalidName, n.Span, n.Value, "workflow name",
                            "it must start with a letter and use only letters, digits, spaces, '-', '_' and '.'");
                        name = null;
                    }

                    break;
                case WorkflowSchema.Namespace:
                    ns = RequireString(value, "'namespace'");
                    if (ns is { } nsValue && !Identifiers.IsValidNamespace(nsValue.Value))
                    {
                        Report(DiagnosticDescriptors.InvalidName, nsValue.Span, nsValue.Value, "namespace",
                            "use dot-separated C# identifiers, for example 'MyCompany.Orders'");
                        ns = null;
                    }

                    break;
                case WorkflowSchema.Description:
                    description = RequireString(value, "'description'")?.Value;
                    break;
                case WorkflowSchema.Steps:
                    sawSteps = true;
                    steps = ParseSteps(value);
                    break;
                case WorkflowSchema.Inputs:
                    inputs = ParseInputs(value);
                    break;
                case WorkflowSchema.Outputs:
                    outputs = ParseOutputs(value);
                    break;
                case WorkflowSchema.Timeout:
                    timeout = ParseDuration(value, "The workflow's 'timeout'");
                    break;
                case WorkflowSchema.OnFailure:
                    onFailure = ParseSteps(value, WorkflowSchema.OnFailure);
                    break;
                case WorkflowSchema.MaxParallel:
                    maxParallel = ParseMaxParallel(value, "The workflow's 'max_parallel'");
                    break;
                case WorkflowSchema.Durable:
                    if (value is YamlScalar { IsPlain: true, Value: "true" or "false" } flag)
                    {
                        durable = new LocatedString(flag.Value, Span(flag));
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.SchemaViolation, Span(value), "'durable' must be true or false.");
                    }

                    break;
                case WorkflowSchema.JsonContext:
                    jsonContext = RequireString(value, "'json_context'");
                    break;
                case WorkflowSchema.On:
                    schedules = ParseTriggers(value);
                    break;
                case WorkflowSchema.Version:
                    version = ParseVersion(value);
                    break;
                case WorkflowSchema.Concurrency:
                    concurrency = ParseConcurrency(value);
                    break;
                case WorkflowSchema.Rate:
                    rate = ParseRate(value);
                    break;
                case WorkflowSchema.Priority:
                    priority = ParsePriority(value);
                    break;
            }
        }

        if (!root.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.Name }))
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(root, collapse: true), "The workflow has no 'name'. Add 'name: my-workflow'; it names the generated class.");
        }

        if (!sawSteps)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(root, collapse: true), "The workflow has no 'steps'. Add a list of steps, each with an 'id' and an 'action'.");
        }

        return Result(name, ns, description, inputs, outputs, steps, timeout, onFailure) with
        {
            MaxParallel = maxParallel,
            Durable = durable,
            JsonContext = jsonContext,
            Schedules = schedules,
            SourceText = text,
            SourceJson = YamlJsonWriter.Write(root),
            Version = version,
            Concurrency = concurrency,
            Rate = rate,
            Priority = priority,
        };
    }

    /// <summary><c>version:</c> a whole number of at least 1, kept as its canonical text (<c>02</c> reads as <c>2</c>).</summary>
    private LocatedString? ParseVersion(YamlNode node)
    {
        if (RequireString(node, "The workflow's 'version'") is not { } text)
        {
            return null;
        }

        if (int.TryParse(text.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
        {
            return new LocatedString(value.ToString(CultureInfo.InvariantCulture), text.Span);
        }

        Report(DiagnosticDescriptors.SchemaViolation, text.Span, $"The workflow's 'version' must be a whole number of at least 1 (the definition version durable runs are kept on), not '{text.Value}'.");
        return null;
    }

    /// <summary>A whole number of at least 1, or null after reporting why it is not.</summary>
    private int? ParseMaxParallel(YamlNode node, string what)
    {
        if (RequireString(node, what) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
        {
            return value;
        }

        Report(DiagnosticDescriptors.SchemaViolation, text.Span, $"{what} must be a whole number of at least 1 (how many may run at once), not '{text.Value}'.");
        return null;
    }

    private WorkflowDocument Result(
        LocatedString? name,
        LocatedString? ns,
        string? description,
        EquatableArray<InputDocument> inputs,
        EquatableArray<OutputDocument> outputs,
        EquatableArray<StepDocument> steps,
        DurationValue? timeout = null,
        EquatableArray<StepDocument> onFailure = default)
        => new(_path, name, ns, description, inputs, outputs, steps, timeout, onFailure.Count == 0 ? EquatableArray<StepDocument>.Empty : onFailure, _diagnostics.ToEquatableArray());

    /// <summary>
    /// <c>on:</c> with <c>schedule:</c> (a list of cron schedules) and <c>manual:</c>. Cron expressions and time
    /// zones are checked here, with the parser the runtime schedules with, at the exact position of the problem.
    /// </summary>
    private EquatableArray<ScheduleDocument> ParseTriggers(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'on' must be a mapping with 'schedule' and/or 'manual', not {node.KindDescription}.");
            return EquatableArray<ScheduleDocument>.Empty;
        }

        var schedules = new List<ScheduleDocument>();
        foreach (var (key, value) in Entries(mapping, WorkflowSchema.OnKeys, "'on'"))
        {
            if (key.Value == WorkflowSchema.OnManual)
            {
                if (value is not YamlScalar { IsPlain: true, Value: "true" or "false" })
                {
                    Report(DiagnosticDescriptors.SchemaViolation, Span(value), "'manual' must be true or false.");
                }

                continue;
            }

            if (value is not YamlSequence sequence)
            {
                Report(DiagnosticDescriptors.SchemaViolation, Span(value), $"'schedule' must be a list of schedules (each with 'cron'), not {value.KindDescription}.");
                continue;
            }

            foreach (var item in sequence.Items)
            {
                if (ParseSchedule(item) is { } schedule)
                {
                    schedules.Add(schedule);
                }
            }
        }

        return schedules.ToEquatableArray();
    }

    private ScheduleDocument? ParseSchedule(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"A schedule must be a mapping with 'cron', not {node.KindDescription}.");
            return null;
        }

        string? cron = null;
        var zone = "UTC";
        var allowOverlap = false;
        var catchUpLatest = false;
        var ok = true;
        foreach (var (key, value) in Entries(mapping, WorkflowSchema.ScheduleKeys, "a schedule"))
        {
            switch (key.Value)
            {
                case WorkflowSchema.ScheduleCron:
                    var text = Value(value);
                    if (text.Kind is not (ArgumentValueKind.PlainScalar or ArgumentValueKind.QuotedScalar))
                    {
                        Report(DiagnosticDescriptors.SchemaViolation, Span(value), "'cron' must be a cron expression such as \"0 2 * * *\".");
                        ok = false;
                    }
                    else if (!Workflows.Scheduling.CronExpression.TryParse(text.Text, out _, out Workflows.Scheduling.CronError? error))
                    {
                        Report(DiagnosticDescriptors.InvalidCron, text.SpanOf(error.Start, Math.Max(error.Length, 1)), text.Text, error.Message);
                        ok = false;
                    }
                    else
                    {
                        cron = text.Text;
                    }

                    break;
                case WorkflowSchema.ScheduleTimeZone:
                    if (RequireString(value, "'timezone'") is { } written)
                    {
                        if (Workflows.Scheduling.TimeZones.TryFind(written.Value, out _))
                        {
                            zone = written.Value;
                        }
                        else
                        {
                            Report(DiagnosticDescriptors.UnknownTimeZone, written.Span, written.Value);
                            ok = false;
                        }
                    }

                    break;
                case WorkflowSchema.ScheduleOverlap:
                    allowOverlap = ParseChoice(value, "'overlap'", WorkflowSchema.OverlapValues) == "allow";
                    break;
                case WorkflowSchema.ScheduleCatchUp:
                    catchUpLatest = ParseChoice(value, "'catch_up'", WorkflowSchema.CatchUpValues) == "latest";
                    break;
            }
        }

        if (!mapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.ScheduleCron }))
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(mapping, collapse: true), "This schedule has no 'cron'. Add 'cron: \"0 2 * * *\"' (minute hour day-of-month month day-of-week).");
            ok = false;
        }

        return ok && cron is not null ? new ScheduleDocument(cron, zone, allowOverlap, catchUpLatest, Span(mapping, collapse: true)) : null;
    }

    private string? ParseChoice(YamlNode node, string what, string[] choices)
    {
        if (node is YamlScalar { IsNull: false } scalar && Array.IndexOf(choices, scalar.Value) >= 0)
        {
            return scalar.Value;
        }

        Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"{what} must be one of: {string.Join(", ", choices)}.");
        return null;
    }

    private EquatableArray<InputDocument> ParseInputs(YamlNode node)
    {
        if (node is YamlScalar { IsNull: true })
        {
            return EquatableArray<InputDocument>.Empty;
        }

        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'inputs' must be a mapping of input names to their types, not {node.KindDescription}.");
            return EquatableArray<InputDocument>.Empty;
        }

        var inputs = new List<InputDocument>(mapping.Entries.Count);
        foreach (var (key, value) in Entries(mapping, knownKeys: null, "'inputs'"))
        {
            var name = new LocatedString(key.Value, Span(key));
            if (!Whole(s_stepId, name.Value))
            {
                Report(DiagnosticDescriptors.InvalidName, name.Span, name.Value, "input name",
                    "it must start with a letter or '_' and use only letters, digits, '_' and '-'");
                continue;
            }

            // Shorthand: 'amount: decimal'.
            if (value is YamlScalar { IsNull: false } shorthand)
            {
                inputs.Add(new InputDocument(name, new LocatedString(shorthand.Value, Span(shorthand)), Required: false, Default: null, Description: null));
                continue;
            }

            if (value is not YamlMapping inputMapping)
            {
                Report(DiagnosticDescriptors.SchemaViolation, Span(value), $"Input '{name.Value}' must be a type name or a mapping with 'type', not {value.KindDescription}.");
                continue;
            }

            LocatedString? type = null;
            var required = false;
            ArgumentValue? defaultValue = null;
            string? description = null;
            foreach (var (inputKey, inputValue) in Entries(inputMapping, WorkflowSchema.InputKeys, $"input '{name.Value}'"))
            {
                switch (inputKey.Value)
                {
                    case WorkflowSchema.InputType:
                        type = RequireString(inputValue, $"The 'type' of input '{name.Value}'");
                        break;
                    case WorkflowSchema.InputRequired:
                        if (inputValue is YamlScalar { IsPlain: true, Value: "true" or "True" or "TRUE" or "false" or "False" or "FALSE" } flag)
                        {
                            required = flag.Value.Equals("true", StringComparison.OrdinalIgnoreCase);
                        }
                        else
                        {
                            Report(DiagnosticDescriptors.SchemaViolation, Span(inputValue), $"'required' of input '{name.Value}' must be true or false.");
                        }

                        break;
                    case WorkflowSchema.InputDefault:
                        defaultValue = Value(inputValue);
                        break;
                    case WorkflowSchema.InputDescription:
                        description = RequireString(inputValue, "'description'")?.Value;
                        break;
                }
            }

            if (type is null)
            {
                if (!inputMapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.InputType }))
                {
                    Report(DiagnosticDescriptors.SchemaViolation, name.Span, $"Input '{name.Value}' has no 'type'. Add one, for example 'type: string'.");
                }

                continue;
            }

            if (required && defaultValue is not null)
            {
                Report(DiagnosticDescriptors.SchemaViolation, defaultValue.Span, $"Input '{name.Value}' is required, so its default would never be used. Remove 'default' or 'required'.");
            }

            inputs.Add(new InputDocument(name, type.Value, required, defaultValue, description));
        }

        return inputs.ToEquatableArray();
    }

    private EquatableArray<OutputDocument> ParseOutputs(YamlNode node)
    {
        if (node is YamlScalar { IsNull: true })
        {
            return EquatableArray<OutputDocument>.Empty;
        }

        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'outputs' must be a mapping of output names to ${{{{ }}}} expressions, not {node.KindDescription}.");
            return EquatableArray<OutputDocument>.Empty;
        }

        var outputs = new List<OutputDocument>(mapping.Entries.Count);
        foreach (var (key, value) in Entries(mapping, knownKeys: null, "'outputs'"))
        {
            var name = new LocatedString(key.Value, Span(key));
            if (!Whole(s_stepId, name.Value))
            {
                Report(DiagnosticDescriptors.InvalidName, name.Span, name.Value, "output name",
                    "it must start with a letter or '_' and use only letters, digits, '_' and '-'");
                continue;
            }

            outputs.Add(new OutputDocument(name, Value(value)));
        }

        return outputs.ToEquatableArray();
    }

    private EquatableArray<StepDocument> ParseSteps(YamlNode node, string key = WorkflowSchema.Steps)
    {
        if (node is not YamlSequence sequence)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'{key}' must be a list of steps, not {node.KindDescription}.");
            return EquatableArray<StepDocument>.Empty;
        }

        if (sequence.Items.Count == 0 && key == WorkflowSchema.Steps)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(sequence), "'steps' is empty. A workflow needs at least one step.");
        }

        var steps = new List<StepDocument>(sequence.Items.Count);
        foreach (var item in sequence.Items)
        {
            if (ParseStep(item) is { } step)
            {
                steps.Add(step);
            }
        }

        return steps.ToEquatableArray();
    }

    private StepDocument? ParseStep(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"A step must be a mapping with 'id' and 'action', not {node.KindDescription}.");
            return null;
        }

        LocatedString? id = null;
        LocatedString? action = null;
        string? displayName = null;
        string? description = null;
        var dependsOn = EquatableArray<LocatedString>.Empty;
        var with = EquatableArray<StepArgument>.Empty;
        ArgumentValue? condition = null;
        DurationValue? timeout = null;
        RetryDocument? retry = null;
        var continueOnError = false;
        CompensationDocument? compensate = null;
        LocatedString? workflow = null;
        ArgumentValue? forEach = null;
        int? maxParallel = null;
        SourceSpan? maxParallelSpan = null;
        var idWasWritten = false;
        LocatedString? signal = null;
        LocatedString? signalType = null;
        DurationValue? sleep = null;

        foreach (var (keyNode, value) in Entries(mapping, WorkflowSchema.StepKeys, "a step"))
        {
            switch (keyNode.Value)
            {
                case WorkflowSchema.StepId:
                    idWasWritten = true;
                    id = RequireString(value, "A step's 'id'");
                    if (id is { } idValue && !Whole(s_stepId, idValue.Value))
                    {
                        Report(DiagnosticDescriptors.InvalidName, idValue.Span, idValue.Value, "step id",
                            "it must start with a letter or '_' and use only letters, digits, '_' and '-'");
                    }

                    break;
                case WorkflowSchema.StepName:
                    displayName = RequireString(value, "A step's 'name'")?.Value;
                    break;
                case WorkflowSchema.StepDescription:
                    description = RequireString(value, "A step's 'description'")?.Value;
                    break;
                case WorkflowSchema.StepAction:
                    action = RequireString(value, "A step's 'action'");
                    break;
                case WorkflowSchema.StepDependsOn:
                    dependsOn = ParseDependsOn(value);
                    break;
                case WorkflowSchema.StepWith:
                    with = ParseWith(value);
                    break;
                case WorkflowSchema.StepIf:
                    condition = Value(value);
                    break;
                case WorkflowSchema.StepTimeout:
                    timeout = ParseDuration(value, "A step's 'timeout'");
                    break;
                case WorkflowSchema.StepRetry:
                    retry = ParseRetry(value);
                    break;
                case WorkflowSchema.StepOnError:
                    continueOnError = ParseOnError(value);
                    break;
                case WorkflowSchema.StepCompensate:
                    compensate = ParseCompensation(value);
                    break;
                case WorkflowSchema.StepWorkflow:
                    workflow = RequireString(value, "A step's 'workflow'");
                    break;
                case WorkflowSchema.StepForEach:
                    forEach = Value(value);
                    break;
                case WorkflowSchema.StepMaxParallel:
                    maxParallel = ParseMaxParallel(value, "A step's 'max_parallel'");
                    maxParallelSpan = Span(value);
                    break;
                case WorkflowSchema.StepSignal:
                    signal = RequireString(value, "A step's 'signal'");
                    if (signal is { } signalName && !Whole(s_signalName, signalName.Value))
                    {
                        Report(DiagnosticDescriptors.InvalidSignalName, signalName.Span, signalName.Value);
                        signal = null;
                    }

                    break;
                case WorkflowSchema.StepSignalType:
                    signalType = RequireString(value, "A signal step's 'type'");
                    break;
                case WorkflowSchema.StepSleep:
                    sleep = ParseDuration(value, "A step's 'sleep'");
                    break;
            }
        }

        var stepName = id?.Value ?? "(no id)";
        if (!idWasWritten)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(mapping, collapse: true), "This step has no 'id'. Add 'id: <name>'; other steps use it in depends_on.");
        }

        var wroteAction = mapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.StepAction });
        var wroteWorkflow = mapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.StepWorkflow });
        var waits = CheckWaitStep(mapping, stepName, wroteAction || wroteWorkflow, ref signal, ref signalType, ref sleep);
        if (waits)
        {
            // A waiting step calls nothing: what it waits for was checked above.
        }
        else if (!wroteAction && !wroteWorkflow)
        {
            Report(DiagnosticDescriptors.SchemaViolation, id?.Span ?? Span(mapping, collapse: true),
                $"Step '{stepName}' has no 'action'. Add 'action: <name>' naming a [WorkflowAction] method, 'workflow: <name>' to run another workflow, 'signal: <name>' to wait for a signal or 'sleep: <duration>' to wait.");
        }
        else if (wroteAction && wroteWorkflow && workflow is { } both)
        {
            Report(DiagnosticDescriptors.SchemaViolation, both.Span, $"Step '{stepName}' has both 'action' and 'workflow'. A step either calls an action or runs a workflow: keep one.");
            workflow = null;
        }

        if (maxParallelSpan is { } unusedLimit && forEach is null && !wroteWorkflow)
        {
            Report(DiagnosticDescriptors.SchemaViolation, unusedLimit, $"Step '{stepName}' has 'max_parallel' but no 'foreach'. It bounds how many items of a foreach run at once; remove it or add 'foreach'.");
        }

        // A step without a usable id (already reported) is still checked: its action, arguments and expressions
        // are independent of the id. Its stand-in id cannot be written in YAML, so nothing can depend on it.
        var stepIdOrStandIn = id ?? new LocatedString($"(no id, line {mapping.Start.Line + 1})", Span(mapping, collapse: true));
        return new StepDocument(stepIdOrStandIn, action, displayName, description, dependsOn, with, condition, timeout, retry, continueOnError, compensate, Span(mapping, collapse: true), workflow, forEach, maxParallel,
            signal, signalType, sleep);
    }

    private EquatableArray<LocatedString> ParseDependsOn(YamlNode node, string? wrongKind = null)
    {
        switch (node)
        {
            case YamlScalar { IsNull: false } scalar:
                return new EquatableArray<LocatedString>(new[] { new LocatedString(scalar.Value, Span(scalar)) });
            case YamlSequence sequence:
                var result = new List<LocatedString>(sequence.Items.Count);
                foreach (var item in sequence.Items)
                {
                    if (RequireString(item, "Each 'depends_on' entry") is { } entry)
                    {
                        result.Add(entry);
                    }
                }

                return result.ToEquatableArray();
            default:
                Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"{wrongKind ?? "'depends_on' must be a step id or a list of step ids"}, not {node.KindDescription}.");
                return EquatableArray<LocatedString>.Empty;
        }
    }

    private EquatableArray<StepArgument> ParseWith(YamlNode node)
    {
        if (node is YamlScalar { IsNull: true })
        {
            return EquatableArray<StepArgument>.Empty;
        }

        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'with' must be a mapping of parameter names to values, not {node.KindDescription}.");
            return EquatableArray<StepArgument>.Empty;
        }

        var arguments = new List<StepArgument>(mapping.Entries.Count);
        foreach (var (key, value) in Entries(mapping, knownKeys: null, "'with'"))
        {
            arguments.Add(new StepArgument(new LocatedString(key.Value, Span(key)), Value(value)));
        }

        return arguments.ToEquatableArray();
    }

    /// <summary>
    /// The entries of a mapping whose keys are plain strings, reporting unknown (with a suggestion),
    /// duplicate and non-scalar keys once each.
    /// </summary>
    private IEnumerable<(YamlScalar Key, YamlNode Value)> Entries(YamlMapping mapping, string[]? knownKeys, string owner)
    {
        var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key is not YamlScalar { IsNull: false } key)
            {
                Report(DiagnosticDescriptors.SchemaViolation, Span(entry.Key), $"Keys in {owner} must be plain names, not {entry.Key.KindDescription}.");
                continue;
            }

            if (seen.TryGetValue(key.Value, out var first))
            {
                Report(DiagnosticDescriptors.SchemaViolation, Span(key), $"Key '{key.Value}' appears twice in {owner} (first on line {first.Start.Line + 1}). Remove one.");
                continue;
            }

            seen.Add(key.Value, key);
            if (knownKeys is not null && Array.IndexOf(knownKeys, key.Value) < 0)
            {
                var hint = NameSuggester.Hint(key.Value, knownKeys, otherwise: $". Known keys: {string.Join(", ", knownKeys)}");
                Report(DiagnosticDescriptors.SchemaViolation, Span(key), $"Unknown key '{key.Value}' in {owner}{hint}.".Replace("?.", "?"));
                continue;
            }

            yield return (key, entry.Value);
        }
    }

    /// <summary>True when <paramref name="pattern"/> matches all of <paramref name="text"/>, a trailing "\n" included.</summary>
    private static bool Whole(Regex pattern, string text) => pattern.Match(text) is { Success: true } match && match.Length == text.Length;

    private DurationValue? ParseDuration(YamlNode node, string what)
    {
        if (RequireString(node, what) is not { } text)
        {
            return null;
        }

        if (!DurationParser.TryParse(text.Value, out var duration, out var error))
        {
            Report(DiagnosticDescriptors.InvalidDuration, text.Span, text.Value, error);
            return null;
        }

        return new DurationValue(duration.Ticks, text.Value, text.Span);
    }

    private CompensationDocument? ParseCompensation(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'compensate' must be a mapping with an 'action' (and its 'with'), not {node.KindDescription}.");
            return null;
        }

        LocatedString? action = null;
        var with = EquatableArray<StepArgument>.Empty;
        foreach (var (key, value) in Entries(mapping, WorkflowSchema.CompensateKeys, "'compensate'"))
        {
            if (key.Value == WorkflowSchema.CompensateAction)
            {
                action = RequireString(value, "The compensation's 'action'");
            }
            else
            {
                with = ParseWith(value);
            }
        }

        if (action is null && !mapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.CompensateAction }))
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(mapping, collapse: true), "'compensate' has no 'action'. Add the action that undoes this step.");
        }

        return new CompensationDocument(action, with, Span(mapping, collapse: true));
    }

    private bool ParseOnError(YamlNode node)
    {
        var text = RequireString(node, "'on_error'");
        switch (text?.Value)
        {
            case null:
                return false;
            case WorkflowSchema.OnErrorFail:
                return false;
            case WorkflowSchema.OnErrorContinue:
                return true;
            default:
                Report(DiagnosticDescriptors.SchemaViolation, text.Value.Span, $"'on_error' is 'fail' (the default) or 'continue', not '{text.Value.Value}'.");
                return false;
        }
    }

    private RetryDocument? ParseRetry(YamlNode node)
    {
        if (node is not YamlMapping mapping)
        {
            Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"'retry' must be a mapping with at least 'max_attempts', not {node.KindDescription}.");
            return null;
        }

        int? maxAttempts = null;
        DurationValue? delay = null;
        DurationValue? maxDelay = null;
        var backoff = RetryBackoff.Constant;
        var jitter = false;
        var on = EquatableArray<LocatedString>.Empty;
        var ok = true;
        foreach (var (key, value) in Entries(mapping, WorkflowSchema.RetryKeys, "'retry'"))
        {
            switch (key.Value)
            {
                case WorkflowSchema.RetryMaxAttempts:
                    if (RequireString(value, "'max_attempts'") is { } attempts)
                    {
                        if (int.TryParse(attempts.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
                        {
                            maxAttempts = count;
                        }
                        else
                        {
                            Report(DiagnosticDescriptors.InvalidMaxAttempts, attempts.Span, attempts.Value);
                            ok = false;
                        }
                    }

                    break;
                case WorkflowSchema.RetryDelay:
                    delay = ParseDuration(value, "'delay'");
                    ok &= delay is not null;
                    break;
                case WorkflowSchema.RetryMaxDelay:
                    maxDelay = ParseDuration(value, "'max_delay'");
                    ok &= maxDelay is not null;
                    break;
                case WorkflowSchema.RetryBackoff:
                    var kind = RequireString(value, "'backoff'");
                    switch (kind?.Value)
                    {
                        case WorkflowSchema.BackoffConstant:
                            backoff = RetryBackoff.Constant;
                            break;
                        case WorkflowSchema.BackoffLinear:
                            backoff = RetryBackoff.Linear;
                            break;
                        case WorkflowSchema.BackoffExponential:
                            backoff = RetryBackoff.Exponential;
                            break;
                        case { } other:
                            Report(DiagnosticDescriptors.SchemaViolation, kind.Value.Span, $"'backoff' is constant, linear or exponential, not '{other}'{NameSuggester.Hint(other, WorkflowSchema.BackoffValues, otherwise: ".")}".Replace("?.", "?"));
                            ok = false;
                            break;
                    }

                    break;
                case WorkflowSchema.RetryJitter:
                    if (value is YamlScalar { IsPlain: true, Value: "true" or "false" } flag)
                    {
                        jitter = flag.Value == "true";
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.SchemaViolation, Span(value), "'jitter' must be true or false.");
                        ok = false;
                    }

                    break;
                case WorkflowSchema.RetryOn:
                    on = ParseDependsOn(value, "'on' must be an exception type name or a list of them");
                    break;
            }
        }

        if (maxAttempts is null)
        {
            if (!mapping.Entries.Exists(e => e.Key is YamlScalar { Value: WorkflowSchema.RetryMaxAttempts }))
            {
                Report(DiagnosticDescriptors.SchemaViolation, Span(mapping, collapse: true), "'retry' has no 'max_attempts'. Add it: the total number of tries, the first included.");
            }

            ok = false;
        }

        if (delay is not null && maxDelay is not null && delay.Ticks > maxDelay.Ticks)
        {
            Report(DiagnosticDescriptors.DelayAboveMaxDelay, delay.Span, delay.Text, maxDelay.Text);
            ok = false;
        }

        // Kept even when something in it is wrong (already reported): its 'on' list is checked on its own, so
        // every independent error of the block shows in one build.
        return new RetryDocument(maxAttempts ?? 1, delay, backoff, maxDelay, jitter, on, Span(mapping, collapse: true), HasErrors: !ok);
    }

    private ArgumentValue Value(YamlNode value)
    {
        var kind = value switch
        {
            YamlScalar { IsNull: true } => ArgumentValueKind.Null,
            YamlScalar { IsPlain: true } => ArgumentValueKind.PlainScalar,
            YamlScalar => ArgumentValueKind.QuotedScalar,
            YamlSequence => ArgumentValueKind.List,
            _ => ArgumentValueKind.Mapping,
        };
        var scalar = value as YamlScalar;
        ContentOrigin? origin = scalar?.ExactContentStart is { } start ? new ContentOrigin(start.Offset, start.Line, start.Column) : null;
        return value switch
        {
            YamlSequence sequence => new ArgumentValue(kind, string.Empty, Span(value), Items: sequence.Items.Select(Value).ToEquatableArray()),
            YamlMapping mapping => new ArgumentValue(kind, string.Empty, Span(value), Entries: mapping.Entries
                .Where(e => e.Key is YamlScalar { IsNull: false })
                .Select(e => new StepArgument(new LocatedString(((YamlScalar)e.Key).Value, Span(e.Key)), Value(e.Value)))
                .ToEquatableArray()),
            _ => new ArgumentValue(kind, scalar?.Value ?? string.Empty, Span(value), origin),
        };
    }

    private LocatedString? RequireString(YamlNode node, string what)
    {
        if (node is YamlScalar { IsNull: false } scalar)
        {
            return new LocatedString(scalar.Value, Span(scalar));
        }

        Report(DiagnosticDescriptors.SchemaViolation, Span(node), $"{what} must be a string, not {node.KindDescription}.");
        return null;
    }

    private SourceSpan Span(YamlNode node, bool collapse = false)
    {
        var end = collapse ? node.Start : node.End;
        return new SourceSpan(_path, node.Start.Offset, Math.Max(node.Start.Offset, end.Offset), node.Start.Line, node.Start.Column, end.Line, end.Column);
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, span, arguments));
}
