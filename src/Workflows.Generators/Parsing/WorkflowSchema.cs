namespace Workflows.Generators.Parsing;

/// <summary>The keys a workflow file may use. Keep README's YAML reference in step with this file.</summary>
internal static class WorkflowSchema
{
    public const string Name = "name";
    public const string Namespace = "namespace";
    public const string Description = "description";
    public const string Steps = "steps";

    public const string StepId = "id";
    public const string StepName = "name";
    public const string StepDescription = "description";
    public const string StepAction = "action";
    public const string StepDependsOn = "depends_on";
    public const string StepWith = "with";

    public static readonly string[] WorkflowKeys = { Name, Namespace, Description, Steps };

    public static readonly string[] StepKeys = { StepId, StepName, StepDescription, StepAction, StepDependsOn, StepWith };
}
