using Workflows.Hosting;

namespace Workflows.AspNetCore;

/// <summary>Marks the endpoint that starts runs of one workflow: the OpenAPI document gives it that workflow's own schemas.</summary>
/// <param name="Registration">The workflow.</param>
public sealed record WorkflowEndpointMetadata(WorkflowRegistration Registration);
