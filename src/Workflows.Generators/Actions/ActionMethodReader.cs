using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Actions;

/// <summary>
/// Reads a <c>[WorkflowAction]</c> method symbol into an <see cref="ActionSpec"/>. The one place that looks
/// at action symbols: the generator and the analyzer both go through it, so they agree on every action.
/// </summary>
internal static class ActionMethodReader
{
    public const string AttributeMetadataName = "Workflows.WorkflowActionAttribute";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat s_shortFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    /// <summary>The action name given to the attribute, or null if the attribute has none (a compile error of its own).</summary>
    public static string? GetActionName(AttributeData attribute)
        => attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name ? name : null;

    public static ActionSpec Read(IMethodSymbol method, string actionName)
    {
        var containingType = method.ContainingType;
        var parameters = new List<ActionParameter>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            parameters.Add(ReadParameter(parameter));
        }

        var (returnKind, outputType, outputSymbol) = ReadReturn(method.ReturnType);
        var roots = method.Parameters.Select(p => p.Type).ToList();
        if (outputSymbol is not null)
        {
            roots.Insert(0, outputSymbol);
        }

        return new ActionSpec(
            Name: actionName,
            MethodDisplay: containingType.ToDisplayString(s_shortFormat) + "." + method.Name,
            ContainingType: containingType.ToDisplayString(s_typeFormat),
            ContainingTypeName: containingType.Name,
            MethodName: method.Name,
            IsStatic: method.IsStatic,
            Parameters: parameters.ToEquatableArray(),
            ReturnKind: returnKind,
            OutputType: outputType,
            OutputTypeName: outputSymbol is null ? null : Types.TypeShapeReader.NameOf(outputSymbol),
            Types: Types.TypeShapeReader.Read(roots),
            Error: FindProblem(method, actionName),
            HostIsConstructible: !method.IsStatic && IsConstructible(containingType));
    }

    /// <summary>A class a service container can create: concrete, not generic, with a public constructor.</summary>
    private static bool IsConstructible(INamedTypeSymbol type)
        => type.TypeKind == TypeKind.Class && !type.IsAbstract && !type.IsStatic && !type.IsGenericType
            && type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public);

    private static string? FindProblem(IMethodSymbol method, string actionName)
    {
        if (string.IsNullOrWhiteSpace(actionName))
        {
            return "the action name is empty; give it a name such as \"orders.ship\"";
        }

        if (method.MethodKind != MethodKind.Ordinary)
        {
            return "only ordinary methods can be actions";
        }

        if (method.IsGenericMethod)
        {
            return "generic methods cannot be actions; declare one non-generic method per type";
        }

        if (!IsAccessible(method.DeclaredAccessibility))
        {
            return "the method must be public or internal so generated code can call it";
        }

        for (var type = method.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                return $"'{type.Name}' is generic; actions must be declared in non-generic types";
            }

            if (!IsAccessible(type.DeclaredAccessibility) || type.IsFileLocal)
            {
                return $"'{type.Name}' must be public or internal so generated code can reach it";
            }
        }

        if (!method.IsStatic)
        {
            if (method.ContainingType.TypeKind is not (TypeKind.Class or TypeKind.Interface))
            {
                return "instance actions must be declared on a class or an interface, which the workflow receives through its constructor";
            }
        }
        else if (method.ContainingType.TypeKind == TypeKind.Interface && (method.IsAbstract || method.IsVirtual))
        {
            return "static abstract interface members cannot be actions";
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            return "methods that return by reference cannot be actions";
        }

        if (method.ReturnType.IsRefLikeType)
        {
            return "methods that return a ref struct cannot be actions";
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind is RefKind.Ref or RefKind.Out or RefKind.RefReadOnlyParameter)
            {
                return $"parameter '{parameter.Name}' is passed by reference; actions take their values by value";
            }

            if (parameter.Type.IsRefLikeType || parameter.Type.TypeKind == TypeKind.Pointer)
            {
                return $"parameter '{parameter.Name}' has type '{parameter.Type.ToDisplayString(s_shortFormat)}', which cannot be held across an await";
            }
        }

        return null;
    }

    private static bool IsAccessible(Accessibility accessibility)
        => accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static ActionParameter ReadParameter(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        var role = IsCancellationToken(type) ? ParameterRole.CancellationToken : IsStepContext(type) ? ParameterRole.StepContext : ParameterRole.Value;
        var underlying = type;
        var isNullableValueType = false;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            underlying = nullable.TypeArguments[0];
            isNullableValueType = true;
        }

        var acceptsNull = isNullableValueType
            || (type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated);
        var literal = Classify(underlying);
        var enumMembers = literal == LiteralKind.Enum
            ? underlying.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name).ToEquatableArray()
            : EquatableArray<string>.Empty;

        return new ActionParameter(
            Name: parameter.Name,
            Type: type.ToDisplayString(s_typeFormat),
            TypeName: Types.TypeShapeReader.NameOf(type),
            TypeDisplay: type.ToDisplayString(s_shortFormat),
            Role: role,
            Literal: literal,
            AcceptsNull: acceptsNull,
            IsOptional: parameter.IsOptional || parameter.IsParams,
            EnumMembers: enumMembers,
            Element: role == ParameterRole.Value ? ReadElement(underlying) : null);
    }

    private static readonly string[] s_arrayInterfaces = { "IEnumerable", "IReadOnlyCollection", "IReadOnlyList", "ICollection", "IList" };

    private static readonly string[] s_dictionaryTypes = { "IReadOnlyDictionary", "IDictionary", "Dictionary" };

    /// <summary>What a YAML list or mapping binds for a collection parameter; null for any other type.</summary>
    private static CollectionElement? ReadElement(ITypeSymbol type)
    {
        ITypeSymbol element;
        CollectionKind kind;
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            (element, kind) = (array.ElementType, CollectionKind.Array);
        }
        else if (type is INamedTypeSymbol { IsGenericType: true } named && IsCollectionsGeneric(named))
        {
            var name = named.OriginalDefinition.Name;
            if (named.TypeArguments.Length == 1 && System.Array.IndexOf(s_arrayInterfaces, name) >= 0)
            {
                (element, kind) = (named.TypeArguments[0], CollectionKind.Array);
            }
            else if (named.TypeArguments.Length == 1 && name == "List")
            {
                (element, kind) = (named.TypeArguments[0], CollectionKind.List);
            }
            else if (named.TypeArguments.Length == 2 && System.Array.IndexOf(s_dictionaryTypes, name) >= 0 && named.TypeArguments[0].SpecialType == SpecialType.System_String)
            {
                (element, kind) = (named.TypeArguments[1], CollectionKind.Dictionary);
            }
            else
            {
                return null;
            }
        }
        else
        {
            return null;
        }

        var underlying = element is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : element;
        var literal = Classify(underlying);
        return new CollectionElement(
            kind,
            element.ToDisplayString(s_typeFormat),
            Types.TypeShapeReader.NameOf(element),
            element.ToDisplayString(s_shortFormat),
            literal,
            !SymbolEqualityComparer.Default.Equals(underlying, element) || (element.IsReferenceType && element.NullableAnnotation == NullableAnnotation.Annotated),
            literal == LiteralKind.Enum ? underlying.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name).ToEquatableArray() : EquatableArray<string>.Empty);
    }

    private static bool IsCollectionsGeneric(INamedTypeSymbol type)
        => type.ContainingNamespace is { Name: "Generic", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    private static LiteralKind Classify(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return LiteralKind.Enum;
        }

        return type.SpecialType switch
        {
            SpecialType.System_String => LiteralKind.String,
            SpecialType.System_Char => LiteralKind.Char,
            SpecialType.System_Boolean => LiteralKind.Boolean,
            SpecialType.System_SByte => LiteralKind.SByte,
            SpecialType.System_Byte => LiteralKind.Byte,
            SpecialType.System_Int16 => LiteralKind.Int16,
            SpecialType.System_UInt16 => LiteralKind.UInt16,
            SpecialType.System_Int32 => LiteralKind.Int32,
            SpecialType.System_UInt32 => LiteralKind.UInt32,
            SpecialType.System_Int64 => LiteralKind.Int64,
            SpecialType.System_UInt64 => LiteralKind.UInt64,
            SpecialType.System_Single => LiteralKind.Single,
            SpecialType.System_Double => LiteralKind.Double,
            SpecialType.System_Decimal => LiteralKind.Decimal,
            _ => LiteralKind.Unsupported,
        };
    }

    private static (ActionReturnKind Kind, string? OutputType, ITypeSymbol? Output) ReadReturn(ITypeSymbol returnType)
    {
        if (returnType.SpecialType == SpecialType.System_Void)
        {
            return (ActionReturnKind.Void, null, null);
        }

        if (returnType is INamedTypeSymbol named && IsInTasksNamespace(named))
        {
            switch (named.MetadataName)
            {
                case "Task":
                    return (ActionReturnKind.Task, null, null);
                case "ValueTask":
                    return (ActionReturnKind.ValueTask, null, null);
                case "Task`1":
                    return (ActionReturnKind.TaskOfT, named.TypeArguments[0].ToDisplayString(s_typeFormat), named.TypeArguments[0]);
                case "ValueTask`1":
                    return (ActionReturnKind.ValueTaskOfT, named.TypeArguments[0].ToDisplayString(s_typeFormat), named.TypeArguments[0]);
            }
        }

        return (ActionReturnKind.Value, returnType.ToDisplayString(s_typeFormat), returnType);
    }

    private static bool IsInTasksNamespace(INamedTypeSymbol type)
        => type.ContainingNamespace is { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    private static bool IsStepContext(ITypeSymbol type)
        => type is INamedTypeSymbol { Name: "StepContext", ContainingNamespace: { Name: "Workflows", ContainingNamespace.IsGlobalNamespace: true } };

    private static bool IsCancellationToken(ITypeSymbol type)
        => type is INamedTypeSymbol { Name: "CancellationToken", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };
}
