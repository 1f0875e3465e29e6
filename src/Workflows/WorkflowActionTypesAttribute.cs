using System;

namespace Workflows;

/// <summary>
/// Lists the types of an assembly that declare <see cref="WorkflowActionAttribute"/> methods, so that
/// workflows in other projects that reference the assembly can use those actions. The generator reads only
/// the listed types: no assembly scanning.
/// </summary>
/// <example><c>[assembly: WorkflowActionTypes(typeof(PaymentActions), typeof(ShippingActions))]</c></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class WorkflowActionTypesAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public WorkflowActionTypesAttribute(params Type[] types) => Types = types;

    /// <summary>The types whose <see cref="WorkflowActionAttribute"/> methods are actions.</summary>
    public Type[] Types { get; }
}
