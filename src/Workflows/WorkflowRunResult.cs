namespace Workflows;

/// <summary>The outcome of <c>RunWithReportAsync</c> for a workflow without outputs.</summary>
public sealed class WorkflowRunResult
{
    /// <summary>Created by generated code.</summary>
    public WorkflowRunResult(WorkflowRunReport report) => Report = report;

    /// <summary>What happened, step by step.</summary>
    public WorkflowRunReport Report { get; }
}

/// <summary>The outcome of <c>RunWithReportAsync</c>: the workflow's outputs and the run's report.</summary>
public sealed class WorkflowRunResult<TOutputs>
{
    /// <summary>Created by generated code.</summary>
    public WorkflowRunResult(TOutputs outputs, WorkflowRunReport report)
    {
        Outputs = outputs;
        Report = report;
    }

    /// <summary>The workflow's outputs.</summary>
    public TOutputs Outputs { get; }

    /// <summary>What happened, step by step.</summary>
    public WorkflowRunReport Report { get; }
}
