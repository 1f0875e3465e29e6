using Microsoft.CodeAnalysis;
using Workflows.Generators.Common;

namespace Workflows.Generators.Model;

/// <summary>A diagnostic as data; it becomes a <see cref="Diagnostic"/> only when the analyzer reports it.</summary>
internal sealed record DiagnosticInfo(string Id, SourceSpan Span, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments)
        => new(descriptor.Id, span, new EquatableArray<string>(arguments));

    public DiagnosticDescriptor Descriptor => DiagnosticDescriptors.ById(Id);

    public bool IsError => Descriptor.DefaultSeverity == DiagnosticSeverity.Error;

    public Diagnostic ToDiagnostic()
    {
        var args = new object[Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, Span.ToLocation(), args);
    }
}
