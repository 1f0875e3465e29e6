using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Types;

/// <summary>
/// The type shapes a workflow's expressions can meet, with C#'s implicit conversion and numeric promotion
/// rules: enough to type-check an expression without a compilation.
/// </summary>
internal sealed class TypeCatalog
{
    public const string String = "string";
    public const string Bool = "bool";
    public const string Int = "int";
    public const string Long = "long";
    public const string Double = "double";
    public const string Decimal = "decimal";
    public const string Object = "object";

    /// <summary>The type of the <c>null</c> literal: converts to any reference or nullable type.</summary>
    public const string Null = "<null>";

    private static readonly string[] s_numericRank = { "sbyte", "byte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal" };

    // C# implicit numeric conversions (spec §10.2.3), char included as a source.
    private static readonly Dictionary<string, string[]> s_implicitNumeric = new(StringComparer.Ordinal)
    {
        ["sbyte"] = new[] { "short", "int", "long", "float", "double", "decimal" },
        ["byte"] = new[] { "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal" },
        ["short"] = new[] { "int", "long", "float", "double", "decimal" },
        ["ushort"] = new[] { "int", "uint", "long", "ulong", "float", "double", "decimal" },
        ["int"] = new[] { "long", "float", "double", "decimal" },
        ["uint"] = new[] { "long", "ulong", "float", "double", "decimal" },
        ["long"] = new[] { "float", "double", "decimal" },
        ["ulong"] = new[] { "float", "double", "decimal" },
        ["char"] = new[] { "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal" },
        ["float"] = new[] { "double" },
    };

    private static readonly string[] s_arrayInterfaces = { "IEnumerable", "IReadOnlyCollection", "IReadOnlyList", "ICollection", "IList" };

    private readonly Dictionary<string, TypeShape> _shapes = new(StringComparer.Ordinal);

    public TypeCatalog(IEnumerable<TypeShape> shapes)
    {
        foreach (var builtIn in BuiltIns())
        {
            _shapes[builtIn.Name] = builtIn;
        }

        foreach (var shape in shapes)
        {
            _shapes[shape.Name] = shape;
        }
    }

    public TypeShape? Find(string name) => _shapes.TryGetValue(name, out var shape) ? shape : null;

    /// <summary>Adds a shape the compilation does not have as a symbol yet: a generated type, an array.</summary>
    public void Add(TypeShape shape) => _shapes[shape.Name] = shape;

    /// <summary>The name of <c>T[]</c>, adding its shape when it is new (a <c>foreach</c> step's output).</summary>
    public string ArrayOf(string element)
    {
        var name = element + "[]";
        if (!_shapes.ContainsKey(name))
        {
            var interfaces = s_arrayInterfaces.Select(i => "global::System.Collections.Generic." + i + "<" + element + ">");
            _shapes[name] = new TypeShape(name, Display(element) + "[]", TypeCategory.Array, IsValueType: false, element, IsIndexable: true, "Length",
                EquatableArray<MemberShape>.Empty, new[] { "global::System.Array", Object }.Concat(interfaces).ToEquatableArray(), EquatableArray<string>.Empty);
        }

        return name;
    }

    /// <summary>The element type when <paramref name="name"/> can be enumerated (strings aside), else null.</summary>
    public string? ElementOf(string name)
        => Find(name) is { ElementType: { } element, Category: not (TypeCategory.NullableValue or TypeCategory.String) } ? element : null;

    public static bool IsNumeric(string name) => Array.IndexOf(s_numericRank, name) >= 0;

    /// <summary>The display name of a type for messages.</summary>
    public string Display(string name) => name == Null ? "null" : Find(name)?.Display ?? name.Replace("global::", string.Empty);

    /// <summary>True when <paramref name="name"/> may hold null (reference types and <c>T?</c>).</summary>
    public bool AcceptsNull(string name)
    {
        if (name == Null || name.EndsWith("?", StringComparison.Ordinal))
        {
            return true;
        }

        var shape = Find(name);
        return shape is null ? !IsNumeric(name) && name is not (Bool or "char") : !shape.IsValueType || shape.Category == TypeCategory.NullableValue;
    }

    /// <summary>C#'s implicit conversion from <paramref name="from"/> to <paramref name="to"/>, as far as shapes tell.</summary>
    public bool IsImplicitlyConvertible(string from, string to)
    {
        if (from == to || to == Object)
        {
            return true;
        }

        if (from == Null)
        {
            return AcceptsNull(to);
        }

        if (s_implicitNumeric.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0)
        {
            return true;
        }

        var target = Find(to);
        if (target?.Category == TypeCategory.NullableValue && target.ElementType is { } underlying)
        {
            return IsImplicitlyConvertible(from, underlying);
        }

        var source = Find(from);
        return source is not null && source.Supertypes.Contains(to);
    }

    /// <summary>The type of <c>a op b</c> for arithmetic and comparison (C#'s binary numeric promotion), or null.</summary>
    public static string? PromoteNumeric(string left, string right)
    {
        left = left == "char" ? Int : left;
        right = right == "char" ? Int : right;
        var l = Array.IndexOf(s_numericRank, left);
        var r = Array.IndexOf(s_numericRank, right);
        if (l < 0 || r < 0)
        {
            return null;
        }

        // decimal does not mix with float or double; ulong does not mix with signed types.
        if ((left == Decimal && right is "float" or Double) || (right == Decimal && left is "float" or Double))
        {
            return null;
        }

        if ((left == "ulong" && right is "sbyte" or "short" or Int or Long) || (right == "ulong" && left is "sbyte" or "short" or Int or Long))
        {
            return null;
        }

        var wider = s_numericRank[Math.Max(l, r)];
        if (wider == "uint" && (left is "sbyte" or "short" or Int || right is "sbyte" or "short" or Int))
        {
            return Long;
        }

        return Math.Max(l, r) <= Array.IndexOf(s_numericRank, Int) ? Int : wider;
    }

    private static IEnumerable<TypeShape> BuiltIns()
    {
        yield return Simple(Object, "object", TypeCategory.Object, isValueType: false);
        yield return Simple(String, "string", TypeCategory.String, isValueType: false) with { CountMember = "Length" };
        yield return Simple(Bool, "bool", TypeCategory.Boolean, isValueType: true);
        yield return Simple("char", "char", TypeCategory.Char, isValueType: true);
        foreach (var numeric in s_numericRank)
        {
            yield return Simple(numeric, numeric, TypeCategory.Numeric, isValueType: true);
        }
    }

    private static TypeShape Simple(string name, string display, TypeCategory category, bool isValueType)
        => new(name, display, category, isValueType, ElementType: null, IsIndexable: false, CountMember: null,
            EquatableArray<MemberShape>.Empty, new EquatableArray<string>(new[] { Object }), EquatableArray<string>.Empty);
}
