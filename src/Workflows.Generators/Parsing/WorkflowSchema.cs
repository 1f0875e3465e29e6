namespace Workflows.Generators.Parsing;

/// <summary>The keys a workflow file may use. Keep README's YAML reference and src/Workflows/workflow.schema.json (checked by SchemaGuardTests) in step with this file.</summary>
internal static class WorkflowSchema
{
    public const string Name = "name";
    public const string Namespace = "namespace";
    public const string Description = "description";
    public const string Steps = "steps";
    public const string Inputs = "inputs";
    public const string Outputs = "outputs";
    public const string Timeout = "timeout";
    public const string OnFailure = "on_failure";
    public const string MaxParallel = "max_parallel";
    public const string Durable = "durable";
    public const string JsonContext = "json_context";
    public const string Version = "version";
    public const string On = "on";
    public const string Concurrency = "concurrency";
    public const string Rate = "rate";
    public const string Priority = "priority";

    public const string ConcurrencyLimit = "limit";
    public const string ConcurrencyKey = "key";

    public static readonly string[] ConcurrencyKeys = { ConcurrencyLimit, ConcurrencyKey };

    public const string OnSchedule = "schedule";
    public const string OnManual = "manual";
    public const string ScheduleCron = "cron";
    public const string ScheduleTimeZone = "timezone";
    public const string ScheduleOverlap = "overlap";
    public const string ScheduleCatchUp = "catch_up";

    public static readonly string[] OnKeys = { OnSchedule, OnManual };

    public static readonly string[] ScheduleKeys = { ScheduleCron, ScheduleTimeZone, ScheduleOverlap, ScheduleCatchUp };

    public static readonly string[] OverlapValues = { "skip", "allow" };

    public static readonly string[] CatchUpValues = { "none", "latest" };

    public const string InputType = "type";
    public const string InputRequired = "required";
    public const string InputDefault = "default";
    public const string InputDescription = "description";

    public const string StepId = "id";
    public const string StepName = "name";
    public const string StepDescription = "description";
    public const string StepAction = "action";
    public const string StepDependsOn = "depends_on";
    public const string StepWith = "with";
    public const string StepIf = "if";
    public const string StepTimeout = "timeout";
    public const string StepRetry = "retry";
    public const string StepOnError = "on_error";
    public const string StepCompensate = "compensate";
    public const string StepWorkflow = "workflow";
    public const string StepForEach = "foreach";
    public const string StepMaxParallel = "max_parallel";
    public const string StepSignal = "signal";
    public const string StepSignalType = "type";
    public const string StepSleep = "sleep";

    public const string CompensateAction = "action";
    public const string CompensateWith = "with";

    public const string RetryMaxAttempts = "max_attempts";
    public const string RetryDelay = "delay";
    public const string RetryBackoff = "backoff";
    public const string RetryMaxDelay = "max_delay";
    public const string RetryJitter = "jitter";
    public const string RetryOn = "on";

    public const string BackoffConstant = "constant";
    public const string BackoffLinear = "linear";
    public const string BackoffExponential = "exponential";

    public const string OnErrorFail = "fail";
    public const string OnErrorContinue = "continue";

    public static readonly string[] WorkflowKeys = { Name, Namespace, Description, On, Inputs, Outputs, Timeout, MaxParallel, Durable, JsonContext, Version, Concurrency, Rate, Priority, Steps, OnFailure };

    public static readonly string[] CompensateKeys = { CompensateAction, CompensateWith };

    public static readonly string[] RetryKeys = { RetryMaxAttempts, RetryDelay, RetryBackoff, RetryMaxDelay, RetryJitter, RetryOn };

    public static readonly string[] InputKeys = { InputType, InputRequired, InputDefault, InputDescription };

    /// <summary>The values of a retry's <c>backoff</c>.</summary>
    public static readonly string[] BackoffValues = { BackoffConstant, BackoffLinear, BackoffExponential };

    /// <summary>The values of a step's <c>on_error</c>; the first is the default.</summary>
    public static readonly string[] OnErrorValues = { OnErrorFail, OnErrorContinue };

    public static readonly string[] StepKeys = { StepId, StepName, StepDescription, StepAction, StepWorkflow, StepDependsOn, StepIf, StepForEach, StepMaxParallel, StepWith, StepTimeout, StepRetry, StepOnError, StepCompensate, StepSignal, StepSignalType, StepSleep };
}
