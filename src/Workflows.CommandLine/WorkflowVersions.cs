using System;
using System.Globalization;
using System.Linq;
using Workflows.Hosting;

namespace Workflows.CommandLine;

/// <summary>
/// Versions of a workflow kept side by side (<c>version:</c>): version 1 is registered and stored under the plain name
/// (<c>orders</c>), version N above 1 as <c>orders@N</c>. A name given on the command line starts the newest version;
/// <c>orders@1</c> names version 1 explicitly. Runs always continue on the version they were stored with.
/// </summary>
internal static class WorkflowVersions
{
    /// <summary>The workflow's name and version of a stored or registered name (<c>orders@2</c> is <c>(orders, 2)</c>).</summary>
    public static (string Name, int Version) Parse(string definitionName)
    {
        var at = definitionName.LastIndexOf('@');
        return at > 0 && int.TryParse(definitionName.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1
            ? (definitionName.Substring(0, at), version)
            : (definitionName, 1);
    }

    /// <summary>The registration <paramref name="name"/> means: its newest version, or the version it names.</summary>
    public static WorkflowRegistration? Find(WorkflowCatalog catalog, string name)
    {
        var (baseName, version) = Parse(name);
        if (!string.Equals(baseName, name, StringComparison.Ordinal))
        {
            return catalog.TryGet(version == 1 ? baseName : name, out var exact) ? exact : null;
        }

        return catalog.Registrations
            .Where(r => string.Equals(Parse(r.Name).Name, name, StringComparison.Ordinal))
            .OrderByDescending(r => Parse(r.Name).Version)
            .FirstOrDefault();
    }

    /// <summary>Why a run of a version this app no longer has cannot continue here, or null when the whole workflow is unknown.</summary>
    public static string? MissingVersion(WorkflowCatalog catalog, string runId, string storedName)
    {
        var (baseName, version) = Parse(storedName);
        var kept = catalog.Registrations.Where(r => string.Equals(Parse(r.Name).Name, baseName, StringComparison.Ordinal)).Select(r => Parse(r.Name).Version).OrderBy(v => v).ToList();
        return kept.Count == 0
            ? null
            : $"Run '{runId}' was started on version {version} of workflow '{baseName}', which this app no longer has (it has version {string.Join(", ", kept)}). "
                + $"It stays pending: to finish it, keep that version's definition (a workflow file with 'name: {baseName}' and 'version: {version}') in an app that runs it; or cancel it.";
    }
}
