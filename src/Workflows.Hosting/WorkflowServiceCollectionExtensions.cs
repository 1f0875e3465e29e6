using System;
using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows;
using Workflows.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers workflows and the <see cref="WorkflowHostService"/> that runs their schedules and recovers their runs.</summary>
public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="WorkflowCatalog"/> of <paramref name="registrations"/>, the <see cref="WorkflowHostOptions"/>
    /// and the <see cref="WorkflowHostService"/> (a hosted service). The service takes <see cref="WorkflowOptions"/> from the
    /// container when registered (clock, store), else <see cref="WorkflowOptions.Default"/>.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="registrations">The workflows, usually a project's generated <c>WorkflowRegistrations.All</c>.</param>
    /// <param name="configure">Changes the host options.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="InvalidOperationException">It was already called on <paramref name="services"/>.</exception>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, IEnumerable<WorkflowRegistration> registrations, Action<WorkflowHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registrations);

        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(WorkflowHostService))
            {
                throw new InvalidOperationException("AddWorkflows was already called: pass every registration in one call.");
            }
        }

        var catalog = new WorkflowCatalog(registrations);
        var options = new WorkflowHostOptions();
        configure?.Invoke(options);

        services.AddSingleton(catalog);
        services.AddSingleton(options);
        services.AddSingleton<WorkflowHostService>(provider => new WorkflowHostService(
            provider.GetRequiredService<WorkflowCatalog>(),
            provider.GetRequiredService<WorkflowHostOptions>(),
            provider,
            provider.GetService<ILogger<WorkflowHostService>>()));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<WorkflowHostService>());
        return services;
    }
}
