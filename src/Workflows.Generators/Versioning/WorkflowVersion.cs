namespace Workflows.Generators.Versioning;

/// <summary>
/// How <c>version:</c> names a definition. Version 1 (or no <c>version:</c>) keeps the plain name, so runs stored
/// before a workflow had versions belong to its version 1; version N above 1 is stored as <c>name@N</c>. A file
/// that declares <c>version:</c> gets a class of its own (<c>OrdersV2Workflow</c>), so versions live side by side.
/// </summary>
internal static class WorkflowVersion
{
    public const char Separator = '@';

    public static string DefinitionName(string name, string? version)
        => version is null or "1" ? name : name + Separator + version;

    /// <summary>The name and version of a definition name (<c>orders@2</c> is <c>(orders, 2)</c>; a plain name is version 1).</summary>
    public static (string Name, string Version) Split(string definitionName)
    {
        var at = definitionName.LastIndexOf(Separator);
        return at > 0 ? (definitionName.Substring(0, at), definitionName.Substring(at + 1)) : (definitionName, "1");
    }

    /// <summary>The class of a versioned workflow: <c>Orders</c> + <c>V2</c> + <c>Workflow</c>.</summary>
    public static string ClassName(string pascalName, string? version)
    {
        const string Suffix = "Workflow";
        if (version is null)
        {
            return pascalName.EndsWith(Suffix, System.StringComparison.Ordinal) ? pascalName : pascalName + Suffix;
        }

        var stem = pascalName.EndsWith(Suffix, System.StringComparison.Ordinal) ? pascalName.Substring(0, pascalName.Length - Suffix.Length) : pascalName;
        return stem + "V" + version + Suffix;
    }
}
