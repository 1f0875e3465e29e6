using Workflows;
using Workflows.Samples.Approval;
using Workflows.Samples.Deploy;
using Workflows.Samples.Etl;

// Lists the action classes in the compiled assembly, so that 'workflows validate --actions Workflows.Samples.dll'
// checks the YAML against them without a build (the build itself finds them in the source).
[assembly: WorkflowActionTypes(typeof(EtlActions), typeof(DeployActions), typeof(ExpenseActions))]
