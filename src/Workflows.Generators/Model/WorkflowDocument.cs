using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// A workflow file as written: the result of <see cref="Parsing.WorkflowDocumentParser"/>, before any
/// binding to C#. Value-equatable so the incremental generator can cache it.
/// </summary>
internal sealed record WorkflowDocument(
    string FilePath,
    LocatedString? Name,
    LocatedString? Namespace,
    string? Description,
    EquatableArray<InputDocument> Inputs,
    EquatableArray<OutputDocument> Outputs,
    EquatableArray<StepDocument> Steps,
    DurationValue? Timeout,
    EquatableArray<StepDocument> OnFailure,
    EquatableArray<DiagnosticInfo> Diagnostics,
    int? MaxParallel = null,
    LocatedString? Durable = null,
    LocatedString? JsonContext = null,
    EquatableArray<ScheduleDocument> Schedules = default,
    string? SourceText = null,
    string? SourceJson = null,
    LocatedString? Version = null,
    ConcurrencyDocument? Concurrency = null,
    RateDocument? Rate = null,
    ArgumentValue? Priority = null)
{
    /// <summary>True when the file says <c>durable: true</c>.</summary>
    public bool RequiresDurable => Durable is { Value: "true" };

    public string FileName => System.IO.Path.GetFileName(FilePath);

    /// <summary>
    /// The name durable runs are stored under: <c>name@N</c> for <c>version: N</c> above 1, else the plain name, so
    /// that runs started before a workflow had versions belong to its version 1 (see <see cref="Versioning.WorkflowVersion"/>).
    /// </summary>
    public string? DefinitionName => Name is { } name ? Versioning.WorkflowVersion.DefinitionName(name.Value, Version?.Value) : null;

    public bool HasErrors
    {
        get
        {
            foreach (var diagnostic in Diagnostics)
            {
                if (diagnostic.IsError)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>One entry of <c>steps:</c>.</summary>
internal sealed record StepDocument(
    LocatedString Id,
    LocatedString? Action,
    string? DisplayName,
    string? Description,
    EquatableArray<LocatedString> DependsOn,
    EquatableArray<StepArgument> With,
    ArgumentValue? If,
    DurationValue? Timeout,
    RetryDocument? Retry,
    bool ContinueOnError,
    CompensationDocument? Compensate,
    SourceSpan Span,
    LocatedString? Workflow = null,
    ArgumentValue? ForEach = null,
    int? MaxParallel = null,
    LocatedString? Signal = null,
    LocatedString? SignalType = null,
    DurationValue? Sleep = null)
{
    /// <summary>What the step calls: its action, or the workflow it runs (<c>workflow:</c>).</summary>
    public LocatedString? Target => Action ?? Workflow;

    /// <summary>True for a step that waits (<c>signal:</c> or <c>sleep:</c>) instead of calling anything.</summary>
    public bool Waits => Signal is not null || Sleep is not null;
}

/// <summary>One entry of <c>on: schedule:</c>, already checked: a valid cron expression and a known time zone.</summary>
internal sealed record ScheduleDocument(string Cron, string TimeZone, bool AllowOverlap, bool CatchUpLatest, SourceSpan Span);

/// <summary>A step's <c>compensate:</c>: the action that undoes it when the workflow later fails.</summary>
internal sealed record CompensationDocument(LocatedString? Action, EquatableArray<StepArgument> With, SourceSpan Span);

/// <summary>A duration as written (<c>10s</c>) and its value.</summary>
internal sealed record DurationValue(long Ticks, string Text, SourceSpan Span);

/// <summary>The workflow's <c>concurrency:</c>: at most <paramref name="Limit"/> runs at once (null when it was invalid), per <paramref name="Key"/> if any.</summary>
internal sealed record ConcurrencyDocument(int? Limit, ArgumentValue? Key, SourceSpan Span);

/// <summary>The workflow's <c>rate:</c>, such as <c>100/min</c>: at most <paramref name="Count"/> runs admitted per period.</summary>
internal sealed record RateDocument(int Count, long PeriodTicks, string Text, SourceSpan Span);

/// <summary>A step's <c>retry:</c> block; durations and counts are already checked.</summary>
internal sealed record RetryDocument(
    int MaxAttempts,
    DurationValue? Delay,
    RetryBackoff Backoff,
    DurationValue? MaxDelay,
    bool Jitter,
    EquatableArray<LocatedString> On,
    SourceSpan Span,
    bool HasErrors = false);

internal enum RetryBackoff
{
    Constant,
    Linear,
    Exponential,
}

/// <summary>One entry of <c>inputs:</c>.</summary>
internal sealed record InputDocument(
    LocatedString Name,
    LocatedString Type,
    bool Required,
    ArgumentValue? Default,
    string? Description);

/// <summary>One entry of <c>outputs:</c>: a name and the expression that computes it.</summary>
internal sealed record OutputDocument(LocatedString Name, ArgumentValue Value);

/// <summary>One entry of a step's <c>with:</c> map.</summary>
internal sealed record StepArgument(LocatedString Name, ArgumentValue Value);

/// <summary>
/// A scalar-or-more value (a <c>with:</c> value, an <c>if:</c>, an output), kept as text until it is bound.
/// </summary>
/// <param name="Origin">Where the text's first character stands, when positions inside it are exact.</param>
/// <param name="Items">For a list: its items.</param>
/// <param name="Entries">For a mapping: its entries.</param>
internal sealed record ArgumentValue(
    ArgumentValueKind Kind,
    string Text,
    SourceSpan Span,
    ContentOrigin? Origin = null,
    EquatableArray<ArgumentValue> Items = default,
    EquatableArray<StepArgument> Entries = default)
{
    /// <summary>The span of characters <paramref name="start"/>..+<paramref name="length"/> of <see cref="Text"/>.</summary>
    public SourceSpan SpanOf(int start, int length)
        => Origin is { } origin
            ? new SourceSpan(Span.FilePath, origin.Offset + start, origin.Offset + start + length, origin.Line, origin.Column + start, origin.Line, origin.Column + start + length)
            : Span;

    /// <summary>The scalar values inside: itself for a scalar, every item or entry value (at any depth) otherwise.</summary>
    public System.Collections.Generic.IEnumerable<ArgumentValue> Scalars()
    {
        var pending = new System.Collections.Generic.Stack<ArgumentValue>();
        pending.Push(this);
        while (pending.Count > 0)
        {
            var value = pending.Pop();
            switch (value.Kind)
            {
                case ArgumentValueKind.List:
                    foreach (var item in value.Items)
                    {
                        pending.Push(item);
                    }

                    break;
                case ArgumentValueKind.Mapping:
                    foreach (var entry in value.Entries)
                    {
                        pending.Push(entry.Value);
                    }

                    break;
                default:
                    yield return value;
                    break;
            }
        }
    }

    public string Describe() => Kind switch
    {
        ArgumentValueKind.Null => "null",
        ArgumentValueKind.List => "a list",
        ArgumentValueKind.Mapping => "a mapping",
        ArgumentValueKind.QuotedScalar => "\"" + Text + "\"",
        _ => "'" + Text + "'",
    };
}

internal enum ArgumentValueKind
{
    Null,
    PlainScalar,
    QuotedScalar,
    List,
    Mapping,
}

/// <summary>The file position of a scalar's first character (0-based line and column).</summary>
internal readonly record struct ContentOrigin(int Offset, int Line, int Column);
