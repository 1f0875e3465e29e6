using System;
using System.Collections.Generic;

namespace Workflows;

/// <summary>
/// What a run would do for given inputs, computed without calling any action: the batches, and for each
/// step whether it would run (<c>true</c>), would be skipped (<c>false</c>), or cannot be known before the
/// run (<c>null</c>: its <c>if:</c> reads step outputs or statuses).
/// </summary>
public sealed class WorkflowPlan
{
    private WorkflowPlan(WorkflowDescriptor descriptor, IReadOnlyList<PlannedStep> steps)
    {
        Descriptor = descriptor;
        Steps = steps;
        var batches = new List<IReadOnlyList<PlannedStep>>(descriptor.Batches.Count);
        foreach (var batch in descriptor.Batches)
        {
            var planned = new List<PlannedStep>(batch.Count);
            foreach (var id in batch)
            {
                foreach (var step in steps)
                {
                    if (step.Id == id)
                    {
                        planned.Add(step);
                    }
                }
            }

            batches.Add(planned);
        }

        Batches = batches;
    }

    /// <summary>The workflow's shape.</summary>
    public WorkflowDescriptor Descriptor { get; }

    /// <summary>Every step, in file order.</summary>
    public IReadOnlyList<PlannedStep> Steps { get; }

    /// <summary>The steps batch by batch, in the order the run would start them.</summary>
    public IReadOnlyList<IReadOnlyList<PlannedStep>> Batches { get; }

    /// <summary>
    /// Builds a plan from each step's own condition (true when it has none, null when it cannot be known)
    /// and whether it runs after a skipped dependency (it calls <c>always()</c> or <c>failure()</c>).
    /// Called by generated code.
    /// </summary>
    public static WorkflowPlan Create(WorkflowDescriptor descriptor, bool?[] conditions, bool[] runsAfterSkippedDependencies)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(runsAfterSkippedDependencies);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < descriptor.Steps.Count; i++)
        {
            index[descriptor.Steps[i].Id] = i;
        }

        var willRun = new bool?[descriptor.Steps.Count];
        foreach (var batch in descriptor.Batches)
        {
            foreach (var id in batch)
            {
                var i = index[id];
                bool? run = conditions[i];
                if (!runsAfterSkippedDependencies[i] && run != false)
                {
                    foreach (var dependency in descriptor.Steps[i].DependsOn)
                    {
                        var dependencyRuns = willRun[index[dependency]];
                        if (dependencyRuns == false)
                        {
                            run = false;
                            break;
                        }

                        if (dependencyRuns is null)
                        {
                            run = null;
                        }
                    }
                }

                willRun[i] = run;
            }
        }

        var steps = new PlannedStep[descriptor.Steps.Count];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = new PlannedStep(descriptor.Steps[i].Id, descriptor.Steps[i].Action, willRun[i]);
        }

        return new WorkflowPlan(descriptor, steps);
    }
}

/// <summary>One step of a <see cref="WorkflowPlan"/>.</summary>
/// <param name="Id">The step's id.</param>
/// <param name="Action">The action it would call.</param>
/// <param name="WillRun">True, false (skipped), or null when only the run can tell.</param>
public sealed record PlannedStep(string Id, string Action, bool? WillRun);
