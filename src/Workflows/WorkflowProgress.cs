using System;

namespace Workflows;

/// <summary>How far a run has got: reported through <see cref="WorkflowOptions.Progress"/> after every step.</summary>
/// <param name="WorkflowName">The workflow's name.</param>
/// <param name="CompletedSteps">Steps that succeeded, failed or were skipped.</param>
/// <param name="TotalSteps">All the workflow's steps.</param>
/// <param name="RunningSteps">Steps whose action is running now.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="EstimatedRemaining">
/// The average duration of the steps that ran, times the steps left, divided by how many run at once; null
/// until a step has run.
/// </param>
public readonly record struct WorkflowProgress(
    string WorkflowName,
    int CompletedSteps,
    int TotalSteps,
    int RunningSteps,
    TimeSpan Elapsed,
    TimeSpan? EstimatedRemaining)
{
    /// <summary>0 to 100.</summary>
    public double Percent => TotalSteps == 0 ? 100 : 100.0 * CompletedSteps / TotalSteps;
}
