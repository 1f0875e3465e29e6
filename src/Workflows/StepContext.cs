using System;
using System.Threading;
using Microsoft.Extensions.Logging;
using Workflows.Runtime;

namespace Workflows;

/// <summary>
/// What an action may know about the step that calls it. Declare a parameter of this type on a
/// <see cref="WorkflowActionAttribute"/> method and the generated executor passes it; it is never bound
/// from <c>with:</c>. A struct, so actions that take it cost no allocation.
/// </summary>
/// <remarks>
/// <see cref="RunId"/>, <see cref="StepId"/>, <see cref="Attempt"/> and <see cref="ItemIndex"/> together
/// identify one execution of a step, which lets actions make their side effects idempotent.
/// </remarks>
public readonly struct StepContext
{
    /// <summary>Creates a context. Generated code does this; tests of actions may too.</summary>
    public StepContext(string workflowName, string stepId, int attempt, WorkflowOptions? options, CancellationToken cancellationToken, int itemIndex = -1, string? runId = null)
    {
        WorkflowName = workflowName;
        StepId = stepId;
        Attempt = attempt;
        Options = options ?? WorkflowOptions.Default;
        CancellationToken = cancellationToken;
        ItemIndex = itemIndex;
        RunId = runId;
    }

    /// <summary>The workflow's <c>name:</c>.</summary>
    public string WorkflowName { get; }

    /// <summary>The step's <c>id:</c>.</summary>
    public string StepId { get; }

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; }

    /// <summary>For a <c>foreach</c> step, the index of the item being processed; otherwise -1.</summary>
    public int ItemIndex { get; }

    /// <summary>The run's id when the run is durable; null otherwise.</summary>
    public string? RunId { get; }

    /// <summary>The options the workflow was created with.</summary>
    public WorkflowOptions Options => field ?? WorkflowOptions.Default;

    /// <summary>The run's token (the caller's, the workflow's timeout and the step's timeout).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The run's clock.</summary>
    public TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>
    /// Writes a message from the step to the run's logger (Information) and observer
    /// (<see cref="IWorkflowObserver.StepMessage"/>).
    /// </summary>
    public void Log(string message) => Log(LogLevel.Information, message);

    /// <summary>
    /// Writes a message from the step to the run's logger at <paramref name="level"/> and to the observer
    /// (<see cref="IWorkflowObserver.StepMessage"/>, whatever the level).
    /// </summary>
    /// <remarks>Values of <c>${{ secrets.X }}</c> read so far are masked.</remarks>
    public void Log(LogLevel level, string message)
    {
        message = SecretRedactor.Redact(message);
        var options = Options;
        if (options.Logger is { } logger)
        {
            new IsolatedLogger(logger, report: null).LogStepMessage(level, WorkflowName, StepId, message);
        }

        if (options.Observer is { } observer)
        {
            // The app's listeners must not fail the step that logs: what they throw is reported, not thrown.
            new IsolatedObserver(observer, report: null).StepMessage(WorkflowName, StepId, message);
        }
    }
}
