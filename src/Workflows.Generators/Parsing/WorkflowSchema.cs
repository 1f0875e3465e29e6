namespace Workflows.Generators.Parsing;

/// <summary>The keys a workflow file may use. Keep README's YAML reference in step with this file.</summary>
internal static class WorkflowSchema
{
    public const string Name = "name";
    public const string Namespace = "namespace";
    public const string Description = "description";
    public const string Steps = "steps";
    public const string Inputs = "inputs";
    public const string Outputs = "outputs";

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

    public static readonly string[] WorkflowKeys = { Name, Namespace, Description, Inputs, Outputs, Steps };

    public static readonly string[] InputKeys = { InputType, InputRequired, InputDefault, InputDescription };

    public static readonly string[] StepKeys = { StepId, StepName, StepDescription, StepAction, StepDependsOn, StepIf, StepWith };
}
