using Workflows;
using Workflows.BuiltIns;

// The built-in actions, available to every workflow in a project that references the runtime package.
[assembly: WorkflowActionTypes(
    typeof(FileActions),
    typeof(ProcessActions),
    typeof(HttpActions),
    typeof(FlowActions),
    typeof(JsonActions))]
