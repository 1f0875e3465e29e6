namespace Workflows.Generators.Emit;

/// <summary>
/// The parameterless <c>app.MapWorkflows()</c> of a project that references Workflows.AspNetCore: the HTTP API and
/// dashboard over the project's own <c>WorkflowRegistrations.All</c>, like <c>AddWorkflows()</c>: no scanning.
/// </summary>
internal static class WebEmitter
{
    public static void EmitMapWorkflows(SourceWriter w, string defaultNamespace, string version)
    {
        w.Line();
        w.Open("namespace Microsoft.AspNetCore.Builder");
        w.Line("/// <summary>Maps the HTTP API and dashboard over this project's workflows.</summary>");
        w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Workflows.Generators\", \"" + version + "\")]");
        w.Open("internal static class GeneratedWorkflowEndpointRouteBuilderExtensions");
        w.Line("/// <summary>");
        w.Line("/// Maps the API over this project's workflows under <paramref name=\"prefix\"/> (and the dashboard) and returns the");
        w.Line("/// API's route group, for <c>RequireAuthorization(...)</c>.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"endpoints\">The app.</param>");
        w.Line("/// <param name=\"prefix\">Where the API's routes start.</param>");
        w.Line("/// <param name=\"configure\">Changes the API's settings: policies, limits, the dashboard's path.</param>");
        w.Line("/// <returns>The API's route group.</returns>");
        w.Open("public static global::Microsoft.AspNetCore.Routing.RouteGroupBuilder MapWorkflows(this global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string prefix = global::Microsoft.AspNetCore.Builder.WorkflowEndpointRouteBuilderExtensions.DefaultPrefix, global::System.Action<global::Workflows.AspNetCore.WorkflowApiOptions>? configure = null)");
        w.Line($"return global::Microsoft.AspNetCore.Builder.WorkflowEndpointRouteBuilderExtensions.MapWorkflows(endpoints, global::{defaultNamespace}.WorkflowRegistrations.All, prefix, configure);");
        w.Close();
        w.Close();
        w.Close();
    }
}
