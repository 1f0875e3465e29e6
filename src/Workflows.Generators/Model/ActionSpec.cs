using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>A <c>[WorkflowAction]</c> method as data: everything binding and emitting need, no symbols.</summary>
internal sealed record ActionSpec(
    string Name,
    string MethodDisplay,
    string ContainingType,
    string ContainingTypeName,
    string MethodName,
    bool IsStatic,
    EquatableArray<ActionParameter> Parameters,
    ActionReturnKind ReturnKind,
    string? OutputType,
    string? OutputTypeName,
    EquatableArray<TypeShape> Types,
    string? Error,
    bool HostIsConstructible = false)
{
    public bool IsValid => Error is null;
}

/// <summary>One parameter of an action method.</summary>
/// <param name="Type">The C# type as declared, nullable annotation included.</param>
/// <param name="TypeName">The <see cref="TypeShape.Name"/> key of the type.</param>
internal sealed record ActionParameter(
    string Name,
    string Type,
    string TypeName,
    string TypeDisplay,
    ParameterRole Role,
    LiteralKind Literal,
    bool AcceptsNull,
    bool IsOptional,
    EquatableArray<string> EnumMembers,
    CollectionElement? Element = null);

/// <summary>
/// For a collection parameter (<c>T[]</c>, <c>IReadOnlyList&lt;T&gt;</c>, <c>List&lt;T&gt;</c>, ... or
/// <c>IReadOnlyDictionary&lt;string, T&gt;</c>, ...): what a YAML list or mapping binds, item by item.
/// </summary>
internal sealed record CollectionElement(
    CollectionKind Kind,
    string Type,
    string TypeName,
    string TypeDisplay,
    LiteralKind Literal,
    bool AcceptsNull,
    EquatableArray<string> EnumMembers)
{
    /// <summary>The element as a parameter of its own, to bind one item like a single value.</summary>
    public ActionParameter AsParameter(string name)
        => new(name, Type, TypeName, TypeDisplay, ParameterRole.Value, Literal, AcceptsNull, IsOptional: false, EnumMembers);
}

internal enum CollectionKind
{
    /// <summary><c>T[]</c> or an interface an array implements: written as an array.</summary>
    Array,

    /// <summary><c>List&lt;T&gt;</c>.</summary>
    List,

    /// <summary>A string-keyed dictionary or an interface of one: written as a <c>Dictionary&lt;string, T&gt;</c>.</summary>
    Dictionary,
}

internal enum ParameterRole
{
    /// <summary>Bound from <c>with:</c>.</summary>
    Value,

    /// <summary>Receives the run's cancellation token.</summary>
    CancellationToken,

    /// <summary>Receives a <c>Workflows.StepContext</c>: run, step, attempt, item, options.</summary>
    StepContext,
}

/// <summary>Which YAML literals a parameter accepts.</summary>
internal enum LiteralKind
{
    Unsupported,
    String,
    Char,
    Boolean,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Enum,
}

internal enum ActionReturnKind
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
