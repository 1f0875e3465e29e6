using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>
/// What expressions need to know about a C# type, as data: its members, what it converts to, whether it
/// can be indexed or counted. Read from symbols once, so type checking needs no compilation.
/// </summary>
/// <param name="Name">The fully qualified C# name (<c>global::Shop.Order</c>, <c>int</c>, <c>int?</c>, <c>string[]</c>): the key.</param>
/// <param name="Display">A short name for messages (<c>Order</c>).</param>
/// <param name="ElementType">For arrays, lists and other enumerables: the element type's name.</param>
/// <param name="IsIndexable">True when <c>x[int]</c> works (arrays and lists).</param>
/// <param name="CountMember"><c>Length</c> or <c>Count</c>, for <c>length()</c>.</param>
/// <param name="Supertypes">Every base class and interface (names), for reference conversions.</param>
/// <param name="EnumMembers">For enums: the member names.</param>
internal sealed record TypeShape(
    string Name,
    string Display,
    TypeCategory Category,
    bool IsValueType,
    string? ElementType,
    bool IsIndexable,
    string? CountMember,
    EquatableArray<MemberShape> Members,
    EquatableArray<string> Supertypes,
    EquatableArray<string> EnumMembers);

/// <summary>A public instance property or field.</summary>
internal sealed record MemberShape(string Name, string Type, bool IsNullable);

internal enum TypeCategory
{
    Other,
    Object,
    String,
    Boolean,
    Char,
    Numeric,
    Enum,

    /// <summary><c>T?</c> for a value type; <see cref="TypeShape.ElementType"/> is <c>T</c>.</summary>
    NullableValue,
    Array,
}
