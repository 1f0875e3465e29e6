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
        // Every step below is linear in the name's length: this runs on every compilation, so in an IDE on
        // every keystroke, and a long name must not stall it (names past the limits are refused outright).
        if (TypeNameLimits.Check(name) is not null)
        {
            return null;
        }

        var rank = 0;
        var end = name.Length;
        while (end >= 2 && name[end - 1] == ']' && name[end - 2] == '[')
        {
            rank++;
            end = TrimEnd(name, end - 2);
        }

        var element = ResolveNamed(compilation, rank == 0 ? name : name.Substring(0, end));
        for (var i = 0; i < rank && element is not null; i++)
        {
            element = compilation.CreateArrayTypeSymbol(element);
        }

        return element;
    }

    private static int TrimEnd(string text, int end)
    {
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    private static ITypeSymbol? ResolveNamed(Compilation compilation, string name)
    {
        if (s_keywords.TryGetValue(name, out var special))
        {
            return compilation.GetSpecialType(special);
        }

        if (Array.IndexOf(s_systemShortNames, name) >= 0)
        {
            name = "System." + name;
        }

        // 'Outer.Inner' may be a nested type: walk the merged namespace tree one segment at a time (each a
        // hash lookup) instead of asking for every 'Outer+Inner' split of the whole name (quadratic).
        var segments = name.Split('.');
        return FindIn(compilation, compilation.GlobalNamespace, segments, 0);
    }

    private static INamedTypeSymbol? FindIn(Compilation compilation, INamespaceOrTypeSymbol container, string[] segments, int index)
    {
        var segment = segments[index];
        var last = index == segments.Length - 1;
        if (container is INamespaceSymbol ns && !last)
        {
            foreach (var member in ns.GetMembers(segment))
            {
                if (member is INamespaceSymbol child && FindIn(compilation, child, segments, index + 1) is { } found)
                {
                    return found;
                }
            }
        }

        var type = Pick(compilation, container.GetTypeMembers(segment, 0));
        return type is null || last ? type : FindIn(compilation, type, segments, index + 1);
    }

    // As GetTypeByMetadataName: the compilation's own type first, else the one type a reference declares.
    private static INamedTypeSymbol? Pick(Compilation compilation, System.Collections.Immutable.ImmutableArray<INamedTypeSymbol> types)
    {
        if (types.Length <= 1)
        {
            return types.IsEmpty ? null : types[0];
        }

        INamedTypeSymbol? fromReferences = null;
        foreach (var type in types)
        {
            if (SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly))
            {
                return type;
            }

            if (fromReferences is not null)
            {
                return null;
            }

            fromReferences = type;
        }

        return fromReferences;
    }
}
