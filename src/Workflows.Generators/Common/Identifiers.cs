using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Workflows.Generators.Common;

/// <summary>Turns workflow names and step ids into C# identifiers.</summary>
internal static class Identifiers
{
    /// <summary><c>deploy-app</c> → <c>DeployApp</c>: every run of letters and digits starts upper case.</summary>
    public static string ToPascalCase(string name)
    {
        var builder = new StringBuilder(name.Length);
        var startOfWord = true;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(startOfWord ? char.ToUpperInvariant(c) : c);
                startOfWord = false;
            }
            else
            {
                startOfWord = true;
            }
        }

        return builder.ToString();
    }

    /// <summary><c>DeployActions</c> → <c>deployActions</c>.</summary>
    public static string ToCamelCase(string pascal)
        => pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);

    /// <summary>Prefixes <c>@</c> when the name is a C# keyword.</summary>
    public static string Escape(string identifier)
        => SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;

    public static bool IsValidIdentifier(string name)
        => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

    /// <summary>A dotted namespace such as <c>MyApp.Flows</c>; C# keywords are not allowed as parts.</summary>
    public static bool IsValidNamespace(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var part in name.Split('.'))
        {
            // The generated code writes '_ = ...' and 'var', which a namespace of that name would capture, and
            // names the class by its full name inside async methods, where 'await' cannot be an identifier.
            if (!IsValidIdentifier(part) || part is "_" or "var" or "nameof" or "dynamic" or "await")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The project's root namespace made safe to use: invalid characters become '_', parts that start with a
    /// digit get a '_' prefix. Falls back to "Workflows.Generated" when nothing usable is left.
    /// </summary>
    public static string SanitizeNamespace(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "Workflows.Generated";
        }

        var parts = name!.Split('.');
        var builder = new StringBuilder();
        foreach (var raw in parts)
        {
            if (raw.Length == 0)
            {
                continue;
            }

            var part = new StringBuilder();
            foreach (var c in raw)
            {
                part.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            }

            if (char.IsDigit(part[0]) || !IsValidIdentifier(part.ToString()))
            {
                part.Insert(0, '_');
            }

            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(part);
        }

        return builder.Length == 0 ? "Workflows.Generated" : builder.ToString();
    }
}
