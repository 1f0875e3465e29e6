using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Types;

/// <summary>An input's <c>type:</c> as written, and the C# type it names (null when it names none).</summary>
internal sealed record ResolvedType(string Written, string? Name, string? Declaration);

/// <summary>Every input type of the compilation's workflows, resolved, with the shapes of those types.</summary>
internal sealed record ResolvedInputTypes(EquatableArray<ResolvedType> Types, EquatableArray<TypeShape> Shapes)
{
    public static ResolvedInputTypes Empty { get; } = new(EquatableArray<ResolvedType>.Empty, EquatableArray<TypeShape>.Empty);

    public ResolvedType? Find(string written) => Types.FirstOrDefault(t => t.Written == written);
}

/// <summary>
/// Resolves the type names written in <c>inputs:</c>: C# keywords, the common System value types by their
/// short names, any type by its full name (<c>MyShop.Order</c>, nested types as <c>Outer.Inner</c>), and
/// arrays of any of these (<c>string[]</c>).
/// </summary>
internal static class InputTypeResolver
{
    private static readonly Dictionary<string, SpecialType> s_keywords = new(StringComparer.Ordinal)
    {
        ["string"] = SpecialType.System_String,
        ["bool"] = SpecialType.System_Boolean,
        ["char"] = SpecialType.System_Char,
        ["byte"] = SpecialType.System_Byte,
        ["short"] = SpecialType.System_Int16,
        ["int"] = SpecialType.System_Int32,
        ["long"] = SpecialType.System_Int64,
        ["float"] = SpecialType.System_Single,
        ["double"] = SpecialType.System_Double,
        ["decimal"] = SpecialType.System_Decimal,
        ["object"] = SpecialType.System_Object,
    };

    private static readonly string[] s_systemShortNames = { "DateTimeOffset", "DateTime", "TimeSpan", "Guid", "Uri" };

    public static ResolvedInputTypes Resolve(Compilation compilation, IEnumerable<string> written)
    {
        var resolved = new List<ResolvedType>();
        var symbols = new List<ITypeSymbol>();
        foreach (var name in written.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal))
        {
            var symbol = Resolve(compilation, name.Trim());
            resolved.Add(new ResolvedType(name, symbol is null ? null : TypeShapeReader.NameOf(symbol), symbol?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
            if (symbol is not null)
            {
                symbols.Add(symbol);
            }
        }

        return new ResolvedInputTypes(resolved.ToEquatableArray(), TypeShapeReader.Read(symbols));
    }

    internal static ITypeSymbol? Resolve(Compilation compilation, string name)
    {
        if (name.EndsWith("[]", StringComparison.Ordinal))
        {
            var element = Resolve(compilation, name.Substring(0, name.Length - 2).TrimEnd());
            return element is null ? null : compilation.CreateArrayTypeSymbol(element);
        }

        if (s_keywords.TryGetValue(name, out var special))
        {
            return compilation.GetSpecialType(special);
        }

        if (Array.IndexOf(s_systemShortNames, name) >= 0)
        {
            name = "System." + name;
        }

        // 'Outer.Inner' is 'Outer+Inner' in metadata: try each split from the right.
        var candidate = name;
        while (true)
        {
            if (compilation.GetTypeByMetadataName(candidate) is { } type && type.Arity == 0)
            {
                return type;
            }

            var dot = candidate.LastIndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            candidate = candidate.Substring(0, dot) + "+" + candidate.Substring(dot + 1);
        }
    }
}
