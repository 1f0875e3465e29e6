using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Generators.Model;

namespace Workflows.Generators.Actions;

/// <summary>
/// Actions declared in referenced assemblies: only the types an assembly lists in
/// <c>[assembly: WorkflowActionTypes(...)]</c> are read, so a large reference set costs a glance at each
/// assembly's attributes.
/// </summary>
internal static class ReferencedActionReader
{
    public const string TypesAttributeMetadataName = "Workflows.WorkflowActionTypesAttribute";

    public static List<(IMethodSymbol Method, ActionSpec Spec)> Read(Compilation compilation)
    {
        var result = new List<(IMethodSymbol, ActionSpec)>();
        var typesAttribute = compilation.GetTypeByMetadataName(TypesAttributeMetadataName);
        var actionAttribute = compilation.GetTypeByMetadataName(ActionMethodReader.AttributeMetadataName);
        if (typesAttribute is null || actionAttribute is null)
        {
            return result;
        }

        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            foreach (var attribute in assembly.GetAttributes())
            {
                if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, typesAttribute) || attribute.ConstructorArguments.Length != 1)
                {
                    continue;
                }

                foreach (var typeConstant in attribute.ConstructorArguments[0].Values)
                {
                    if (typeConstant.Value is not INamedTypeSymbol type || type.DeclaredAccessibility != Accessibility.Public)
                    {
                        continue;
                    }

                    foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                    {
                        foreach (var methodAttribute in method.GetAttributes())
                        {
                            if (SymbolEqualityComparer.Default.Equals(methodAttribute.AttributeClass, actionAttribute)
                                && method.DeclaredAccessibility == Accessibility.Public
                                && ActionMethodReader.GetActionName(methodAttribute) is { } name)
                            {
                                result.Add((method, ActionMethodReader.Read(method, name)));
                            }
                        }
                    }
                }
            }
        }

        return result;
    }
}
