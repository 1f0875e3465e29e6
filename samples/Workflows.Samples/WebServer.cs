using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Durability;
using Workflows.Samples.Deploy;
using Workflows.Samples.Etl;
using Workflows.Sqlite;

namespace Workflows.Samples;

/// <summary>
/// <c>serve --urls http://127.0.0.1:5000</c>: the schedules and recovery of <c>serve</c>, plus the HTTP API
/// (<c>/workflows-api</c>), its OpenAPI document (<c>/openapi/v1.json</c>) and the dashboard (<c>/workflows</c>).
/// </summary>
internal static class WebServer
{
    /// <summary>True when the arguments ask for the web server: <c>serve</c> with <c>--urls</c>.</summary>
    public static bool Wanted(string[] args) => args.Length > 1 && args[0] == "serve" && Array.Exists(args, a => a == "--urls" || a.StartsWith("--urls=", StringComparison.Ordinal));

    public static async Task<int> RunAsync(string[] args, string work)
    {
        var builder = WebApplication.CreateSlimBuilder(args[1..]); // --urls is the web host's own option
        var storePath = Environment.GetEnvironmentVariable("WORKFLOWS_STORE") is { Length: > 0 } path ? path : Path.Combine(Directory.GetCurrentDirectory(), "workflows.db");
        builder.Services.AddSingleton<IWorkflowStore>(new SqliteWorkflowStore(storePath));
        builder.Services.AddSingleton(provider => new WorkflowOptions { Store = provider.GetRequiredService<IWorkflowStore>() });
        builder.Services.AddSingleton(new EtlActions(Path.Combine(work, "etl")));
        builder.Services.AddSingleton(new DeployActions(Path.Combine(work, "deploy"), Console.Error));

        // The generated registration: the workflows, their action classes, and the host service (schedules, recovery).
        builder.Services.AddWorkflows();
        builder.Services.AddOpenApi(options => options.AddWorkflowSchemas());

        var app = builder.Build();
        app.MapOpenApi();

        // The generated MapWorkflows(): the API under /workflows-api and the dashboard at /workflows. It returns the
        // route group, so an app with users protects it, with a stricter policy for steering than for reading:
        //   builder.Services.AddAuthorization(o => { o.AddPolicy("viewer", ...); o.AddPolicy("operator", ...); });
        //   app.MapWorkflows(configure: o => { o.ReadPolicy = "viewer"; o.SteeringPolicy = "operator"; });
        app.MapWorkflows();
        app.MapGet("/", () => TypedResults.Redirect("/workflows"));

        Console.Error.WriteLine($"Durable runs in the store '{storePath}'. Dashboard: /workflows, API: /workflows-api, OpenAPI: /openapi/v1.json. Ctrl+C stops.");
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
