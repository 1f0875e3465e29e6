using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Workflows.Hosting;

/// <summary>The workflows a host knows about, by name.</summary>
public sealed class WorkflowCatalog
{
    private readonly Dictionary<string, WorkflowRegistration> _byName = new(StringComparer.Ordinal);
    private readonly List<WorkflowRegistration> _all = new();

    /// <summary>Creates the catalog.</summary>
    /// <param name="registrations">The registrations; names must be unique.</param>
    /// <exception cref="ArgumentException">Two registrations have the same name.</exception>
    public WorkflowCatalog(IEnumerable<WorkflowRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        foreach (var registration in registrations)
        {
            ArgumentNullException.ThrowIfNull(registration);
            if (!_byName.TryAdd(registration.Name, registration))
            {
                throw new ArgumentException($"Two workflows are registered as '{registration.Name}'.", nameof(registrations));
            }

            _all.Add(registration);
        }
    }

    /// <summary>Every registration, in the order given.</summary>
    public IReadOnlyList<WorkflowRegistration> Registrations => _all;

    /// <summary>The registration named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none.</exception>
    public WorkflowRegistration this[string name] =>
        _byName.TryGetValue(name, out var registration) ? registration : throw new KeyNotFoundException($"No workflow is registered as '{name}'.");

    /// <summary>Finds the registration named <paramref name="name"/>.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out WorkflowRegistration? registration) => _byName.TryGetValue(name, out registration);
}
