namespace Workflows.Hosting;

/// <summary>An input or output of a generated workflow, as tools show it.</summary>
/// <param name="Name">The name in the YAML (<c>inputs:</c> or <c>outputs:</c> key).</param>
/// <param name="Type">The C# type, as written in the generated record.</param>
/// <param name="IsRequired">True for an input that must be given.</param>
/// <param name="DefaultValue">An input's default as written in the workflow file (<c>0</c>, <c>data/orders.csv</c>); null when it has none.</param>
/// <param name="Description">Its <c>description:</c>, if any.</param>
public sealed record WorkflowParameter(string Name, string Type, bool IsRequired = false, string? DefaultValue = null, string? Description = null);
