using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.AspNetCore;
using Workflows.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the HTTP API and dashboard over given workflows. Apps call the generated, parameterless
/// <c>app.MapWorkflows()</c>, which passes their project's <c>WorkflowRegistrations.All</c>: no scanning.
/// </summary>
public static class WorkflowEndpointRouteBuilderExtensions
{
    /// <summary>The default prefix of the API's routes.</summary>
    public const string DefaultPrefix = "/workflows-api";

    /// <summary>
    /// Maps the API under <paramref name="prefix"/> (and the dashboard at <see cref="WorkflowApiOptions.DashboardPath"/>)
    /// and returns the API's route group: add <c>RequireAuthorization(...)</c> to it to protect every endpoint.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="registrations">The workflows, usually a project's generated <c>WorkflowRegistrations.All</c>.</param>
    /// <param name="prefix">Where the API's routes start.</param>
    /// <param name="configure">Changes the API's settings: policies, limits.</param>
    /// <returns>The API's route group.</returns>
    public static RouteGroupBuilder MapWorkflows(this IEndpointRouteBuilder endpoints, IEnumerable<WorkflowRegistration> registrations, string prefix = DefaultPrefix, Action<WorkflowApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(registrations);
        var settings = new WorkflowApiOptions();
        configure?.Invoke(settings);
        prefix = Normalize(prefix);

        var catalog = new WorkflowCatalog(registrations);
        var board = new RunBoard(catalog, settings, endpoints.ServiceProvider);
        var group = WorkflowEndpoints.Map(endpoints, board, prefix);
        if (settings.DashboardPath is { } dashboard)
        {
            DashboardEndpoints.Map(endpoints, Normalize(dashboard), prefix, settings);
        }

        return group;
    }

    private static string Normalize(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = path.Trim().TrimEnd('/');
        return path.StartsWith('/') ? path : "/" + path;
    }
}
