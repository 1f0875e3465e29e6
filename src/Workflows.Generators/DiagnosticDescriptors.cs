using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Workflows.Generators;

/// <summary>Every diagnostic the workflow analyzer reports. The IDs are public contract: never reuse one.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Workflows";

    public static readonly DiagnosticDescriptor DependencyCycle = Error(
        "WF0001",
        "Workflow steps form a dependency cycle",
        "Steps form a dependency cycle: {0}. {1}");

    public static readonly DiagnosticDescriptor UnknownDependency = Error(
        "WF0002",
        "depends_on names a step that does not exist",
        "Step '{0}' depends on '{1}', which is not a step of this workflow{2}");

    public static readonly DiagnosticDescriptor UnknownAction = Error(
        "WF0003",
        "Step uses an unknown action",
        "Step '{0}' uses unknown action '{1}'{2}");

    public static readonly DiagnosticDescriptor DuplicateStepId = Error(
        "WF0004",
        "Two steps share an id",
        "Step id '{0}' is already used by the step on line {1}. Step ids must be unique.");

    public static readonly DiagnosticDescriptor MalformedFile = Error(
        "WF0005",
        "Workflow file is not well-formed",
        "The workflow file is not well-formed {0}: {1}");

    public static readonly DiagnosticDescriptor SchemaViolation = Error(
        "WF0006",
        "Workflow file does not match the workflow schema",
        "{0}");

    public static readonly DiagnosticDescriptor DuplicateWorkflowType = Error(
        "WF0007",
        "Two workflow files produce the same generated type",
        "Workflow '{0}' generates type '{1}', which '{2}' generates too. Give one of them another name: or namespace:.");

    public static readonly DiagnosticDescriptor InvalidActionMethod = Error(
        "WF0008",
        "Invalid [WorkflowAction] method",
        "[WorkflowAction(\"{0}\")] on '{1}' cannot be used: {2}");

    public static readonly DiagnosticDescriptor InvalidName = Error(
        "WF0009",
        "Name cannot become a C# identifier",
        "'{0}' is not a valid {1}: {2}");

    public static readonly DiagnosticDescriptor UnknownParameter = Error(
        "WF0010",
        "with: names a parameter the action does not have",
        "Step '{0}': action '{1}' has no parameter '{2}'{3}");

    public static readonly DiagnosticDescriptor MissingParameter = Error(
        "WF0011",
        "A required action parameter has no value",
        "Step '{0}': action '{1}' needs a value for parameter '{2}' ({3}). Add it under with:.");

    public static readonly DiagnosticDescriptor InvalidArgumentValue = Error(
        "WF0012",
        "with: value does not fit the parameter's type",
        "Step '{0}': {1} is not a valid value for parameter '{2}' of type '{3}'{4}");

    public static readonly DiagnosticDescriptor ExpressionNotSupported = Error(
        "WF0013",
        "Expressions are not allowed in this position",
        "{0} cannot use a ${{{{ }}}} expression: {1}");

    public static readonly DiagnosticDescriptor NamespaceIsGeneratedType = Error(
        "WF0014",
        "The workflow's namespace is a generated type",
        "namespace '{0}' is also the name of the generated type '{1}'; C# cannot have both. Choose another namespace.");

    public static readonly DiagnosticDescriptor UnknownInput = Error(
        "WF0101",
        "Expression reads an input the workflow does not declare",
        "The workflow has no input '{0}'{1}");

    public static readonly DiagnosticDescriptor UnknownStepReference = Error(
        "WF0102",
        "Expression reads a step that does not exist",
        "The workflow has no step '{0}'{1}");

    public static readonly DiagnosticDescriptor UnknownMember = Error(
        "WF0103",
        "Expression reads a member the type does not have",
        "'{0}' has no member '{1}'{2}");

    public static readonly DiagnosticDescriptor TypeMismatch = Error(
        "WF0104",
        "Expression type does not fit the parameter",
        "Step '{0}': parameter '{1}' is of type '{2}', but the expression is of type '{3}'");

    public static readonly DiagnosticDescriptor ExpressionSyntaxError = Error(
        "WF0105",
        "Expression syntax error",
        "Expression syntax error: {0}");

    public static readonly DiagnosticDescriptor ConditionNotBoolean = Error(
        "WF0106",
        "if: is not a boolean expression",
        "Step '{0}': 'if' must be a boolean expression, but this one is of type '{1}'");

    public static readonly DiagnosticDescriptor MaybeSkippedOutputRead = Error(
        "WF0107",
        "Output of a step that may be skipped is read unsafely",
        "{0} reads the output of step '{1}', which may not have run (skipped, or failed under on_error: continue). Write '... ?? <fallback>' to say what to use then.");

    public static readonly DiagnosticDescriptor UnknownInputType = Error(
        "WF0108",
        "Input type names no C# type",
        "Input '{0}' has type '{1}', which names no C# type. Use a C# keyword (string, int, bool, ...), DateTimeOffset, TimeSpan, Guid, or a type's full name such as MyShop.Order; add [] for an array.");

    public static readonly DiagnosticDescriptor OutputReadsNothing = Error(
        "WF0109",
        "Workflow output reads nothing",
        "Output '{0}' reads no input and no step. A workflow output is a ${{{{ }}}} expression over inputs.<name> or steps.<id>.output.");

    public static readonly DiagnosticDescriptor InvalidExpression = Error(
        "WF0110",
        "Expression is not valid for its types",
        "{0}");

    public static readonly DiagnosticDescriptor StepHasNoOutput = Error(
        "WF0111",
        "Expression reads the output of a step that has none",
        "Step '{0}' has no output: its action '{1}' returns nothing");

    public static readonly DiagnosticDescriptor TypeNameTooLong = Error(
        "WF0112",
        "Type name too long",
        "The type name '{0}' is too long: {1}. Name the C# type by its full name, or give a long or deeply nested type a shorter alias in C#.");

    public static readonly DiagnosticDescriptor NegativeIndex = Error(
        "WF0113",
        "Constant index is negative",
        "Index {0} is negative, so it is always out of range: arrays and lists count from 0. Write 0 for the first element, or length(<collection>) - 1 for the last.");

    public static readonly DiagnosticDescriptor InvalidDuration = Error(
        "WF0201",
        "Invalid duration",
        "'{0}' is not a valid duration: {1}. Write for example 500ms, 10s, 5m or 1h30m.");

    public static readonly DiagnosticDescriptor ForEachNotEnumerable = Error(
        "WF0301",
        "foreach needs a collection",
        "Step '{0}': foreach needs a collection (an array, a list or another IEnumerable<T>), not '{1}'");

    public static readonly DiagnosticDescriptor LoopVariableOutsideForEach = Error(
        "WF0302",
        "item or index used outside a foreach step",
        "'{0}' is only defined in the with: of a step that has foreach. Add 'foreach: ${{{{ ... }}}}' to the step, or read inputs or steps instead.");

    public static readonly DiagnosticDescriptor UnboundedForEach = Warning(
        "WF0303",
        "foreach without max_parallel runs every item at once",
        "Step '{0}' fans out over a collection of unknown size with no bound: every item may run at once. Add 'max_parallel: N' to the step or the workflow (WorkflowOptions.MaxDegreeOfParallelism also bounds it).");

    public static readonly DiagnosticDescriptor UnknownWorkflow = Error(
        "WF0304",
        "Step runs an unknown workflow",
        "Step '{0}' runs workflow '{1}', which is no workflow of this project{2}");

    public static readonly DiagnosticDescriptor WorkflowCallCycle = Error(
        "WF0305",
        "Workflows run each other in a cycle",
        "Workflows run each other in a cycle: {0}. A workflow cannot run itself, directly or through others.");

    public static readonly DiagnosticDescriptor CalledWorkflowInvalid = Error(
        "WF0306",
        "Step runs a workflow that has errors",
        "Step '{0}' runs workflow '{1}', which has errors (see {2}). Fix those first.");

    public static readonly DiagnosticDescriptor ScriptInjection = Error(
        "WF0401",
        "An expression inside a shell command can inject script",
        "Step '{0}' builds a {1} command from a ${{{{ }}}} expression: a value containing quotes, ';' or '$(...)' would run as script. Pass it as an argument (args: [...], read as $1) or in environment:, and keep the command text constant.");

    public static readonly DiagnosticDescriptor CredentialLiteral = Error(
        "WF0402",
        "A credential is written into the workflow file",
        "Step '{0}': '{1}' looks like a credential written into the file, where everyone with the repository can read it. Use ${{{{ secrets.NAME }}}} instead.");

    public static readonly DiagnosticDescriptor PlainHttp = Warning(
        "WF0403",
        "Plain http:// URL to a remote host",
        "Step '{0}': '{1}' sends to http://{2} unencrypted. Use https://, or a loopback address for local services.");

    public static readonly DiagnosticDescriptor PathLeavesRoot = Warning(
        "WF0404",
        "A file path leaves the file root",
        "Step '{0}': {1} '{2}' {3}: file actions resolve paths under WorkflowOptions.FileRoot and refuse this at run time. Write a path relative to the root.");

    public static readonly DiagnosticDescriptor SecretLogged = Warning(
        "WF0405",
        "A secret flows into a log or an output",
        "{0} passes a ${{{{ secrets }}}} value into {1}. Secret values are masked where the library can see them, but not in what others do with them: do not log or return secrets.");

    public static readonly DiagnosticDescriptor DurableWithoutJsonContext = Error(
        "WF0501",
        "durable: true needs a json_context",
        "Workflow '{0}' is durable, so its inputs, outputs and step outputs are stored as JSON: add 'json_context: <full name of a JsonSerializerContext>' listing their types with [JsonSerializable(typeof(...))]");

    public static readonly DiagnosticDescriptor InvalidJsonContext = Error(
        "WF0502",
        "json_context does not name a JsonSerializerContext",
        "json_context '{0}' {1}. Name a class deriving from System.Text.Json.Serialization.JsonSerializerContext, by its full name.");

    public static readonly DiagnosticDescriptor TypeNotInJsonContext = Error(
        "WF0503",
        "A type a durable run stores is not in the json_context",
        "{0} has type '{1}', which json_context '{2}' does not list. Add [JsonSerializable(typeof({1}))] to it, so durable runs can store it (AOT safe, no reflection).");

    public static readonly DiagnosticDescriptor CalledWorkflowNotDurable = Error(
        "WF0504",
        "A durable workflow runs a workflow that cannot run durably",
        "Step '{0}' runs workflow '{1}', which has no json_context, inside a durable workflow: its steps could not be checkpointed. Give '{1}' a json_context too.");

    public static readonly DiagnosticDescriptor InvalidCron = Error(
        "WF0601",
        "A schedule's cron expression is not valid",
        "'{0}' is not a valid cron expression: {1}. Write five fields (minute hour day-of-month month day-of-week), as in '0 2 * * *', or a macro such as @daily.");

    public static readonly DiagnosticDescriptor UnknownTimeZone = Error(
        "WF0602",
        "A schedule's time zone is unknown",
        "'{0}' is not a time zone this machine knows. Use an IANA id such as 'Europe/Berlin' or 'America/New_York', or 'UTC'.");

    public static readonly DiagnosticDescriptor InvalidMaxAttempts = Error(
        "WF0202",
        "retry.max_attempts is less than 1",
        "max_attempts must be a whole number of at least 1 (the first try counts), not '{0}'");

    public static readonly DiagnosticDescriptor DelayAboveMaxDelay = Error(
        "WF0203",
        "retry.delay is longer than retry.max_delay",
        "delay {0} is longer than max_delay {1}, so no retry could wait that long. Lower delay or raise max_delay.");

    public static readonly DiagnosticDescriptor UnknownExceptionType = Error(
        "WF0204",
        "retry.on names no exception type",
        "'{0}' in retry.on {1}. Use an exception type's full name, such as System.TimeoutException.");

    public static readonly DiagnosticDescriptor CompensationReadsUnrelatedStep = Error(
        "WF0205",
        "A compensation reads a step its step does not depend on",
        "The compensation of step '{0}' reads step '{1}', which '{0}' does not depend on, so it may not have run. Read '{0}' itself or one of its dependencies.");

    public static readonly DiagnosticDescriptor OnFailureReadsSteps = Error(
        "WF0206",
        "An on_failure step depends on or reads a normal step",
        "on_failure step '{0}' {1}. on_failure steps run after any failure, so they may use inputs, failure.step, failure.message and earlier on_failure steps only.");

    public static readonly DiagnosticDescriptor RetryBudgetExceedsTimeout = new(
        "WF0207",
        "A step's retries can outlast the workflow's timeout",
        "Step '{0}' can take up to {1} with its retries and timeouts, longer than the workflow's timeout of {2}. Its last attempts would be cut short.",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownSignalType = Error(
        "WF0801",
        "A signal's payload type names no C# type",
        "Step '{0}' waits for signal '{1}' with payload type '{2}', which names no C# type. Use a type's full name, such as Acme.ApprovalDecision, or a C# keyword (string, int, bool, ...).");

    public static readonly DiagnosticDescriptor SignalTypeNotInJsonContext = Error(
        "WF0802",
        "A signal's payload type is not in the json_context",
        "Step '{0}' waits for signal '{1}' with payload type '{2}', which json_context '{3}' does not list. Add [JsonSerializable(typeof({2}))] to it, so the payload can be stored and sent (AOT safe, no reflection).");

    public static readonly DiagnosticDescriptor WaitWithoutDurability = Error(
        "WF0803",
        "A signal or sleep step in a workflow that cannot run durably",
        "Step '{0}' waits ({1}), which only a durable run can do: a run that waits leaves the process and continues from the store. Add 'json_context: <your JsonSerializerContext>' to the workflow, and run it with a store.");

    public static readonly DiagnosticDescriptor DuplicateSignal = Error(
        "WF0804",
        "Two steps wait for the same signal",
        "Steps '{0}' and '{1}' both wait for signal '{2}'{3}. A signal is delivered to one step: give each step its own signal name.");

    public static readonly DiagnosticDescriptor InvalidSignalName = Error(
        "WF0805",
        "Invalid signal name",
        "'{0}' is not a valid signal name: it must start with a letter and use only letters, digits, '_', '-' and '.'.");

    public static readonly DiagnosticDescriptor WaitStepKey = Error(
        "WF0806",
        "A key a waiting step cannot have",
        "Step '{0}' cannot use '{1}': {2}.");

    // Limits across runs: concurrency, rate, priority (Binding/WorkflowBinder.Limits.cs).
    public static readonly DiagnosticDescriptor LimitsWithoutDurability = Error(
        "WF1001",
        "Limits across runs in a workflow that is not durable",
        "Workflow '{0}' has '{1}', which the run store enforces across processes, so it applies only to durable runs. Add 'durable: true' (with a 'json_context') to the workflow, or remove '{1}'.");

    public static readonly DiagnosticDescriptor AdmissionReadsMoreThanInputs = Error(
        "WF1002",
        "A concurrency key or priority reads more than the inputs",
        "The workflow's '{0}' {1}: it is computed from the inputs when a run is enqueued, before any step runs, and stored with the run. Read only inputs.<name> (and literals).");

    public static readonly DiagnosticDescriptor ConcurrencyKeyNotScalar = Error(
        "WF1003",
        "A concurrency key is not a scalar",
        "The concurrency 'key' is a '{0}'; a key must be a string, number, bool, char or enum (runs with equal keys share the limit). Read a scalar input, or build a text: '${{{{ inputs.region }}}}-${{{{ inputs.tier }}}}'.");

    public static readonly DiagnosticDescriptor PriorityNotInteger = Error(
        "WF1004",
        "A priority is not an int",
        "The workflow's 'priority' is {0}; it must be an int (higher runs first): a whole number such as 5, or an expression of type int such as '${{{{ inputs.priority }}}}'.");
    // Versioning of durable workflows against Workflows.Shipped.txt (Versioning/VersionChecker.cs).
    private const string KeepOrVersion = " Keep the old step, or keep the old definition in a file of its own (same name, 'version: 1') and give this one 'version: 2'; once no run is in flight, accept the change with 'dotnet build -p:WorkflowsAcceptVersions=true'.";

    public static readonly DiagnosticDescriptor ShippedStepRemoved = Warning(
        "WF0701",
        "A durable workflow lost a step that runs in flight completed",
        "Durable workflow '{0}' no longer has step '{1}' ({2}), which Workflows.Shipped.txt records: runs of '{0}' in flight that completed it will be refused on resume (WorkflowDefinitionChangedException)." + KeepOrVersion);

    public static readonly DiagnosticDescriptor ShippedStepOutputChanged = Warning(
        "WF0702",
        "A durable workflow's step returns another type than runs in flight stored",
        "Step '{1}' of durable workflow '{0}' now returns '{3}', not '{2}' as Workflows.Shipped.txt records: runs of '{0}' in flight that completed it stored a '{2}' and will be refused on resume." + KeepOrVersion);

    public static readonly DiagnosticDescriptor ShippedStepActionChanged = Warning(
        "WF0703",
        "A durable workflow's step calls another action than runs in flight completed",
        "Step '{1}' of durable workflow '{0}' now calls '{3}', not '{2}' as Workflows.Shipped.txt records: runs of '{0}' in flight that completed it will be refused on resume." + KeepOrVersion);

    public static readonly DiagnosticDescriptor ShippedInputTypeChanged = Warning(
        "WF0704",
        "A durable workflow's input changed type",
        "Input '{1}' of durable workflow '{0}' is now '{3}', not '{2}' as Workflows.Shipped.txt records: runs of '{0}' in flight stored it as '{2}' and may not read back on resume. Keep the type, or keep the old definition in a file of its own (same name, 'version: 1') and give this one 'version: 2'; once no run is in flight, accept the change with 'dotnet build -p:WorkflowsAcceptVersions=true'.");

    public static readonly DiagnosticDescriptor ShippedInputRemoved = Warning(
        "WF0705",
        "A durable workflow lost an input",
        "Durable workflow '{0}' no longer has input '{1}' ({2}), which Workflows.Shipped.txt records: runs of '{0}' in flight were started with it, and steps they have yet to run were written for it. Keep the input, or keep the old definition in a file of its own (same name, 'version: 1') and give this one 'version: 2'; once no run is in flight, accept the change with 'dotnet build -p:WorkflowsAcceptVersions=true'.");

    public static readonly DiagnosticDescriptor ShippedInputNowRequired = Warning(
        "WF0706",
        "A durable workflow requires an input runs in flight were started without",
        "Input '{1}' of durable workflow '{0}' is required without a default and {2} in Workflows.Shipped.txt: runs of '{0}' in flight were started without a value for it. Give it a default or make it optional, or keep the old definition in a file of its own (same name, 'version: 1') and give this one 'version: 2'; once no run is in flight, accept the change with 'dotnet build -p:WorkflowsAcceptVersions=true'.");

    public static readonly DiagnosticDescriptor ShippedWorkflowRemoved = Warning(
        "WF0707",
        "A durable workflow that runs may be in flight on is gone",
        "Workflows.Shipped.txt records durable workflow '{0}', which {1}: its runs in flight can no longer be resumed or recovered (a run is refused while no definition of its version exists). Keep its definition (an older version keeps its file, with 'version:'); once no run is in flight, accept the change with 'dotnet build -p:WorkflowsAcceptVersions=true'.");

    public static readonly DiagnosticDescriptor ShippedFileMalformed = Warning(
        "WF0708",
        "A line of Workflows.Shipped.txt cannot be read",
        "{0}({1}): {2}. Fix the line, or rewrite the file from the current workflows with 'dotnet build -p:WorkflowsAcceptVersions=true'.");

    public static readonly DiagnosticDescriptor DuplicateWorkflowVersion = Error(
        "WF0709",
        "Two workflow files define the same version of a workflow",
        "Version {1} of workflow '{0}' is also defined by '{2}': durable runs are stored by name and version, so each version is defined once (no 'version:' means version 1). Give one of them another 'version:'.");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        DependencyCycle, UnknownDependency, UnknownAction, DuplicateStepId, MalformedFile, SchemaViolation,
        DuplicateWorkflowType, InvalidActionMethod, InvalidName, UnknownParameter, MissingParameter,
        InvalidArgumentValue, ExpressionNotSupported, NamespaceIsGeneratedType,
        UnknownInput, UnknownStepReference, UnknownMember, TypeMismatch, ExpressionSyntaxError, ConditionNotBoolean,
        MaybeSkippedOutputRead, UnknownInputType, OutputReadsNothing, InvalidExpression, StepHasNoOutput, TypeNameTooLong, NegativeIndex,
        InvalidDuration, InvalidMaxAttempts, DelayAboveMaxDelay, UnknownExceptionType,
        CompensationReadsUnrelatedStep, OnFailureReadsSteps, RetryBudgetExceedsTimeout,
        ForEachNotEnumerable, LoopVariableOutsideForEach, UnboundedForEach, UnknownWorkflow, WorkflowCallCycle, CalledWorkflowInvalid,
        ScriptInjection, CredentialLiteral, PlainHttp, PathLeavesRoot, SecretLogged,
        DurableWithoutJsonContext, InvalidJsonContext, TypeNotInJsonContext, CalledWorkflowNotDurable,
        InvalidCron, UnknownTimeZone,
        UnknownSignalType, SignalTypeNotInJsonContext, WaitWithoutDurability, DuplicateSignal, InvalidSignalName, WaitStepKey,
        ShippedStepRemoved, ShippedStepOutputChanged, ShippedStepActionChanged, ShippedInputTypeChanged, ShippedInputRemoved,
        ShippedInputNowRequired, ShippedWorkflowRemoved, ShippedFileMalformed, DuplicateWorkflowVersion,
        LimitsWithoutDurability, AdmissionReadsMoreThanInputs, ConcurrencyKeyNotScalar, PriorityNotInteger,
    };

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = CreateIndex();

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static Dictionary<string, DiagnosticDescriptor> CreateIndex()
    {
        var index = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var descriptor in All)
        {
            index.Add(descriptor.Id, descriptor);
        }

        return index;
    }

    private static DiagnosticDescriptor Error(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
