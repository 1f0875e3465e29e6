using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.AspNetCore;

/// <summary>The API's JSON, source-generated: no reflection, safe for trimming and NativeAOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<WorkflowSummary>))]
[JsonSerializable(typeof(WorkflowDetail))]
[JsonSerializable(typeof(RunCreated))]
[JsonSerializable(typeof(IReadOnlyList<RunSummary>))]
[JsonSerializable(typeof(RunView))]
[JsonSerializable(typeof(EventView))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class WorkflowApiJsonContext : JsonSerializerContext
{
}
