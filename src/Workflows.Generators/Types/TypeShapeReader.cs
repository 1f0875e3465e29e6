using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Types;

/// <summary>
/// Reads <see cref="TypeShape"/>s from symbols: the given types and the types of their members, breadth
/// first, up to a limit (expressions rarely go deep; a type graph can be huge).
/// </summary>
internal static class TypeShapeReader
{
    public const int MaxTypes = 256;

    public static readonly SymbolDisplayFormat NameFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static string NameOf(ITypeSymbol type)
        => type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(NameFormat);

    public static EquatableArray<TypeShape> Read(IEnumerable<ITypeSymbol> roots)
    {
        var shapes = new List<TypeShape>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        var queue = new Queue<ITypeSymbol>(roots);
        while (queue.Count > 0 && shapes.Count < MaxTypes)
        {
            var type = queue.Dequeue();
            if (type is IErrorTypeSymbol || type.TypeKind == TypeKind.TypeParameter || !seen.Add(NameOf(type)))
            {
                continue;
            }

            var shape = ReadOne(type, out var related);
            shapes.Add(shape);
            foreach (var next in related)
            {
                queue.Enqueue(next);
            }
        }

        return shapes.OrderBy(s => s.Name, System.StringComparer.Ordinal).ToEquatableArray();
    }

    private static TypeShape ReadOne(ITypeSymbol type, out List<ITypeSymbol> related)
    {
        related = new List<ITypeSymbol>();
        var name = NameOf(type);
        var display = type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        var supertypes = new List<string>();
        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            supertypes.Add(NameOf(baseType));
        }

        supertypes.AddRange(type.AllInterfaces.Select(NameOf));

        string? element = null;
        var indexable = false;
        string? count = null;
        var category = Categorize(type);
        if (type is IArrayTypeSymbol array)
        {
            element = NameOf(array.ElementType);
            related.Add(array.ElementType);
            indexable = array.Rank == 1;
            count = "Length";
        }
        else if (category == TypeCategory.NullableValue)
        {
            var underlying = ((INamedTypeSymbol)type).TypeArguments[0];
            element = NameOf(underlying);
            related.Add(underlying);
        }
        else if (category == TypeCategory.String)
        {
            count = "Length";
        }
        else
        {
            var list = FindGeneric(type, "IReadOnlyList`1") ?? FindGeneric(type, "IList`1");
            var enumerable = list ?? FindGeneric(type, "IEnumerable`1");
            if (enumerable is not null)
            {
                element = NameOf(enumerable.TypeArguments[0]);
                related.Add(enumerable.TypeArguments[0]);
                indexable = list is not null && HasIntIndexer(type);
                count = HasProperty(type, "Count") ? "Count" : null;
            }
        }

        var members = new List<MemberShape>();
        if (ShouldReadMembers(type, category))
        {
            foreach (var member in PublicInstanceMembers(type))
            {
                var memberType = member switch
                {
                    IPropertySymbol property => property.Type,
                    IFieldSymbol field => field.Type,
                    _ => null,
                };
                if (memberType is null || members.Exists(m => m.Name == member.Name))
                {
                    continue;
                }

                members.Add(new MemberShape(member.Name, NameOf(memberType), memberType.IsReferenceType && memberType.NullableAnnotation == NullableAnnotation.Annotated));
                related.Add(memberType);
            }
        }

        var enumMembers = category == TypeCategory.Enum
            ? type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name).ToEquatableArray()
            : EquatableArray<string>.Empty;

        return new TypeShape(name, display, category, type.IsValueType, element, indexable, count,
            members.ToEquatableArray(), supertypes.ToEquatableArray(), enumMembers);
    }

    private static TypeCategory Categorize(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return TypeCategory.Enum;
        }

        if (type.TypeKind == TypeKind.Array)
        {
            return TypeCategory.Array;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return TypeCategory.Object;
            case SpecialType.System_String:
                return TypeCategory.String;
            case SpecialType.System_Boolean:
                return TypeCategory.Boolean;
            case SpecialType.System_Char:
                return TypeCategory.Char;
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                return TypeCategory.Numeric;
        }

        return type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? TypeCategory.NullableValue : TypeCategory.Other;
    }

    /// <summary>The members of the user's own types; BCL types keep theirs to themselves.</summary>
    private static bool ShouldReadMembers(ITypeSymbol type, TypeCategory category)
    {
        if (category != TypeCategory.Other)
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        return !(ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal) || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal));
    }

    private static IEnumerable<ISymbol> PublicInstanceMembers(ITypeSymbol type)
    {
        var types = new List<ITypeSymbol> { type };
        if (type.TypeKind == TypeKind.Interface)
        {
            types.AddRange(type.AllInterfaces);
        }
        else
        {
            for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            {
                types.Add(baseType);
            }
        }

        foreach (var t in types)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
                {
                    continue;
                }

                if (member is IPropertySymbol { IsIndexer: false, GetMethod: not null, Parameters.Length: 0 } or IFieldSymbol)
                {
                    yield return member;
                }
            }
        }
    }

    private static INamedTypeSymbol? FindGeneric(ITypeSymbol type, string metadataName)
    {
        if (type is INamedTypeSymbol named && named.OriginalDefinition.MetadataName == metadataName && IsCollectionsGeneric(named))
        {
            return named;
        }

        return type.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.MetadataName == metadataName && IsCollectionsGeneric(i));
    }

    private static bool IsCollectionsGeneric(INamedTypeSymbol type)
        => type.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic";

    private static bool HasIntIndexer(ITypeSymbol type)
        => type.TypeKind == TypeKind.Interface
        || type.GetMembers().OfType<IPropertySymbol>().Any(p => p.IsIndexer && p.Parameters.Length == 1 && p.Parameters[0].Type.SpecialType == SpecialType.System_Int32 && p.DeclaredAccessibility == Accessibility.Public);

    private static bool HasProperty(ITypeSymbol type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetMembers(name).OfType<IPropertySymbol>().Any(p => p.DeclaredAccessibility == Accessibility.Public && !p.IsStatic))
            {
                return true;
            }
        }

        return type.AllInterfaces.Any(i => i.GetMembers(name).OfType<IPropertySymbol>().Any());
    }
}
