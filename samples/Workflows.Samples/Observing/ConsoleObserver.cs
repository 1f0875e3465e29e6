using System;
using System.IO;

namespace Workflows.Samples.Observing;

/// <summary>Prints step events: the smallest useful <see cref="IWorkflowObserver"/>.</summary>
public sealed class ConsoleObserver(TextWriter output) : IWorkflowObserver
{
    public void StepCompleted(string workflowName, string stepId, int attempts, TimeSpan duration)
        => output.WriteLine($"    [observer] {stepId} done in {duration.TotalMilliseconds:F1} ms");

    public void StepSkipped(string workflowName, string stepId)
        => output.WriteLine($"    [observer] {stepId} skipped");

    public void StepFailed(string workflowName, string stepId, int attempts, TimeSpan duration, Exception exception)
        => output.WriteLine($"    [observer] {stepId} failed: {exception.Message}");
}
