using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Common;

namespace Workflows.Generators.Types;

/// <summary>A workflow's <c>json_context</c> as found in the compilation: whether it is one, and which types it covers.</summary>
/// <param name="Written">The name as the file wrote it.</param>
/// <param name="FullName">The class, fully qualified; null when no type has this name.</param>
/// <param name="IsContext">True when the class derives from <c>JsonSerializerContext</c>.</param>
/// <param name="Covered">The type keys its <c>[JsonSerializable(typeof(T))]</c> attributes list.</param>
internal sealed record JsonContextInfo(string Written, string? FullName, bool IsContext, EquatableArray<string> Covered);

/// <summary>
/// Resolves the <c>json_context</c> names of the compilation's workflows, reading only their
/// <c>[JsonSerializable]</c> attributes: the result is data, so the generator stays incremental.
/// </summary>
internal static class JsonContextResolver
{
    private const string ContextBase = "System.Text.Json.Serialization.JsonSerializerContext";
    private const string SerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";

    /// <summary>Framework types the runtime's built-in context covers, so a json_context need not list them.</summary>
    public static readonly string[] BuiltInCovered =
    {
        "string", "bool", "char", "byte", "sbyte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal",
        "bool?", "int?", "long?", "double?", "decimal?",
        "global::System.DateTime", "global::System.DateTimeOffset", "global::System.TimeSpan", "global::System.Guid", "global::System.Uri",
        "string[]", "int[]", "long[]",
        "global::System.Text.Json.Nodes.JsonNode", "global::System.Text.Json.JsonElement",
        "global::Workflows.BuiltIns.ProcessResult", "global::Workflows.BuiltIns.FileResult",
    };

    public static EquatableArray<JsonContextInfo> Resolve(Compilation compilation, IEnumerable<string> written)
    {
        var contextBase = compilation.GetTypeByMetadataName(ContextBase);
        var attribute = compilation.GetTypeByMetadataName(SerializableAttribute);
        var result = new List<JsonContextInfo>();
        foreach (var name in written.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal))
        {
            if (InputTypeResolver.Resolve(compilation, name.Trim()) is not INamedTypeSymbol type)
            {
                result.Add(new JsonContextInfo(name, null, false, EquatableArray<string>.Empty));
                continue;
            }

            var isContext = false;
            for (var baseType = type.BaseType; baseType is not null && contextBase is not null; baseType = baseType.BaseType)
            {
                isContext |= SymbolEqualityComparer.Default.Equals(baseType, contextBase);
            }

            var covered = type.GetAttributes()
                .Where(a => attribute is not null && SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))
                .Select(a => a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is ITypeSymbol t ? TypeShapeReader.NameOf(t) : null)
                .Where(n => n is not null)
                .Select(n => n!)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(n => n, StringComparer.Ordinal);
            result.Add(new JsonContextInfo(name, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), isContext, covered.ToEquatableArray()));
        }

        return result.ToEquatableArray();
    }
}
