using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// A valid workflow bound to its C# actions: all the emitter needs, and nothing it would have to compute.
/// </summary>
internal sealed record WorkflowSpec(
    string WorkflowName,
    string? Description,
    string SourceFileName,
    string Namespace,
    string ClassName,
    EquatableArray<InputSpec> Inputs,
    EquatableArray<OutputSpec> Outputs,
    EquatableArray<HostSpec> Hosts,
    EquatableArray<StepSpec> Steps,
    EquatableArray<EquatableArray<int>> Batches,
    DurationSpec? Timeout,
    EquatableArray<StepSpec> OnFailure,
    EquatableArray<ChildWorkflowSpec> Children = default,
    int? MaxParallel = null,
    DurableSpec? Durable = null,
    EquatableArray<ScheduleSpec> Schedules = default,
    string? Definition = null,
    string? DefinitionJson = null,
    LimitsSpec? Limits = null)
{
    /// <summary>True when a failed run has cleanup to do: compensations or on_failure steps.</summary>
    public bool HasCleanup => OnFailure.Count > 0 || System.Linq.Enumerable.Any(Steps, s => s.Compensation is not null);

    /// <summary>True when some step retries or times out, or the workflow has a timeout: runs need a clock.</summary>
    public bool UsesTime => Timeout is not null || System.Linq.Enumerable.Any(Steps, s => s.Resilience is not null);

    public string HintName => Namespace + "." + ClassName + ".g.cs";

    /// <summary>The position of <paramref name="step"/> in <see cref="Steps"/> (its index in the file), or -1.</summary>
    public int IndexOf(StepSpec step)
    {
        for (var i = 0; i < Steps.Count; i++)
        {
            if (ReferenceEquals(Steps[i], step))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// True when the run is emitted as one statement after another, batch by batch: no two steps can run at the
    /// same time, or every step is a plain synchronous call, which never yields, so steps started together would
    /// only run one after another on the caller's thread anyway. (Durable runs keep the concurrent shape: their
    /// checkpoint writes await, and parallel steps share commits.)
    /// </summary>
    public bool RunsInOrder
    {
        get
        {
            if (IsSequential)
            {
                return true;
            }

            if (Durable is not null)
            {
                return false;
            }

            foreach (var step in Steps)
            {
                if (step.MayAwait)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>True when no two steps can ever run at the same time (every batch holds one step).</summary>
    public bool IsSequential
    {
        get
        {
            foreach (var batch in Batches)
            {
                if (batch.Count != 1)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>A property of the generated <c>Inputs</c> record.</summary>
/// <param name="Type">The property's C# type.</param>
/// <param name="DefaultValue">A C# literal, or null when the input has no default.</param>
/// <param name="DefaultText">The default as written in the workflow file, for tools to show.</param>
internal sealed record InputSpec(string Name, string PropertyName, string Type, bool IsRequired, string? DefaultValue, string? Description, string? DefaultText = null);

/// <summary>A property of the generated <c>Outputs</c> record, and the C# expression that computes it.</summary>
internal sealed record OutputSpec(string Name, string PropertyName, string Type, string Value);

/// <summary>An object whose instance actions the workflow calls; it comes in through the constructor.</summary>
/// <param name="IsConstructible">A public concrete class a service container can create (hosts register it).</param>
internal sealed record HostSpec(string Type, string FieldName, string ParameterName, bool IsConstructible = false);

/// <summary>A step bound to its action method.</summary>
internal sealed record StepSpec(
    string Id,
    string? DisplayName,
    string ActionName,
    string Identifier,
    int HostIndex,
    string ContainingType,
    string MethodName,
    ActionReturnKind ReturnKind,
    string? OutputType,
    EquatableArray<ArgumentSpec> Arguments,
    EquatableArray<int> Dependencies,
    string? Condition,
    bool RunsAfterSkippedDependencies,
    ResilienceSpec? Resilience,
    bool ContinueOnError,
    CompensationSpec? Compensation = null,
    bool ConditionReadsInputsOnly = false,
    ForEachSpec? ForEach = null,
    int ChildIndex = -1,
    string? ItemOutputTypeName = null,
    WaitSpec? Wait = null)
{
    /// <summary>True when the step runs another workflow (<c>workflow:</c>) rather than an action.</summary>
    public bool RunsWorkflow => ChildIndex >= 0;

    public bool IsStatic => HostIndex < 0;

    /// <summary>
    /// True when running the step may yield: an asynchronous action, retries or timeouts (Polly's pipeline awaits),
    /// a <c>foreach</c> or another workflow. A step that cannot yield runs to its end on the caller's thread.
    /// </summary>
    public bool MayAwait
        => ReturnKind is not (ActionReturnKind.Void or ActionReturnKind.Value) || Resilience is not null || ForEach is not null || RunsWorkflow || Wait is not null;

    public bool HasOutput => OutputType is not null;

    /// <summary>The local (sequential shape) or field (concurrent shape) that holds the step's output.</summary>
    public string OutputVariable => OutputVariableOf(Identifier);

    /// <summary>The static Polly pipeline of a step with <see cref="Resilience"/>.</summary>
    public string PipelineField => "s_" + Camel + "Pipeline";

    /// <summary>The pipeline a workflow instance uses: the static one, or one built for its own clock.</summary>
    public string InstancePipelineField => "_" + Camel + "Pipeline";

    /// <summary>How many times the action was called in this run.</summary>
    public string AttemptsVariable => Camel + "Attempts";

    /// <summary>True once the step's action has completed; false while pending, or when it was skipped.</summary>
    public string SucceededVariable => SucceededVariableOf(Identifier);

    private string Camel => CamelOf(Identifier);

    /// <summary>True once the step's action failed under <c>on_error: continue</c>.</summary>
    public string FailedVariable => FailedVariableOf(Identifier);

    public static string OutputVariableOf(string identifier) => CamelOf(identifier) + "Output";

    public static string FailedVariableOf(string identifier) => CamelOf(identifier) + "Failed";

    public static string SucceededVariableOf(string identifier) => CamelOf(identifier) + "Succeeded";

    private static string CamelOf(string identifier) => char.ToLowerInvariant(identifier[0]) + identifier.Substring(1);
}

/// <summary>A step's <c>foreach:</c>: the collection, its item type, and the bound on items at once.</summary>
/// <param name="Source">C# for the collection.</param>
/// <param name="ItemType">The element type: the lambda's <c>item</c>.</param>
/// <param name="ItemOutputType">The action's output type; the step's output is an array of it.</param>
/// <param name="MaxParallel">The step's <c>max_parallel:</c>, or null for the run's default.</param>
internal sealed record ForEachSpec(string Source, string ItemType, string? ItemOutputType, int? MaxParallel);

/// <summary>Another workflow that steps of this one run; the instance is built in the constructor.</summary>
/// <param name="ClassName">The child's fully qualified class.</param>
/// <param name="FieldName">The field holding the instance.</param>
/// <param name="HostIndexes">Which of this workflow's hosts the child's constructor takes, in order.</param>
/// <param name="HasInputs">True when the child takes an <c>Inputs</c> record.</param>
internal sealed record ChildWorkflowSpec(string ClassName, string FieldName, EquatableArray<int> HostIndexes, bool HasInputs, bool HasOutputs = false);

/// <summary>
/// What a waiting step waits for: a signal (<see cref="SignalName"/>, with an optional payload type and timeout)
/// or a durable timer (<see cref="Sleep"/>).
/// </summary>
/// <param name="PayloadType">The payload's C# type, fully qualified; null for a signal without payload.</param>
internal sealed record WaitSpec(string? SignalName, string? PayloadType, DurationSpec? Timeout, DurationSpec? Sleep)
{
    public bool IsSignal => SignalName is not null;
}

/// <summary>What durable runs of the workflow need: its JSON context and what identifies its definition.</summary>
/// <param name="JsonContext">The <c>JsonSerializerContext</c> class, fully qualified.</param>
/// <param name="Required"><c>durable: true</c>: a run without a store fails.</param>
/// <param name="DefinitionHash">A hash of the steps, their actions, output types and dependencies.</param>
/// <param name="StepSignatures">Per step (same order): action and output type, compared with completed steps on resume.</param>
internal sealed record DurableSpec(string JsonContext, bool Required, string DefinitionHash, EquatableArray<string> StepSignatures);

/// <summary>One <c>on: schedule:</c> entry, checked.</summary>
internal sealed record ScheduleSpec(string Cron, string TimeZone, bool AllowOverlap, bool CatchUpLatest);

/// <summary>A named argument of the action call.</summary>
internal sealed record ArgumentSpec(string ParameterName, ArgumentSource Source, string Expression);

internal enum ArgumentSource
{
    /// <summary><see cref="ArgumentSpec.Expression"/> is C#: a literal or a compiled <c>${{ }}</c> expression.</summary>
    Value,

    /// <summary>The run's cancellation token.</summary>
    CancellationToken,

    /// <summary>A <c>Workflows.StepContext</c> for this call.</summary>
    StepContext,
}

/// <summary>A duration: its value and how the workflow file wrote it (for messages).</summary>
internal sealed record DurationSpec(long Ticks, string Text);

/// <summary>A step's retry and per-attempt timeout: one Polly pipeline, built once.</summary>
internal sealed record ResilienceSpec(DurationSpec? Timeout, RetrySpec? Retry);

/// <param name="ExceptionTypes">Fully qualified exception types to retry; empty for every exception but cancellation.</param>
internal sealed record RetrySpec(int MaxAttempts, DurationSpec? Delay, RetryBackoff Backoff, DurationSpec? MaxDelay, bool Jitter, EquatableArray<string> ExceptionTypes);

/// <summary>The action that undoes a step (its <c>compensate:</c>), bound like a step's action.</summary>
internal sealed record CompensationSpec(
    string ActionName,
    int HostIndex,
    string ContainingType,
    string MethodName,
    ActionReturnKind ReturnKind,
    EquatableArray<ArgumentSpec> Arguments);

/// <summary>
/// Limits across runs and the run's place in the queue: the descriptor's <c>RunLimits</c> (null members for none), and
/// the C# that computes a run's concurrency key (a string) and priority (an int) from <c>inputs</c>.
/// </summary>
internal sealed record LimitsSpec(int? Concurrency, int? RateCount, long? RatePeriodTicks, string KeyCode, string PriorityCode)
{
    public bool HasLimits => Concurrency is not null || RateCount is not null;
}
