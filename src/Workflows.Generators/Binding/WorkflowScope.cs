using System;
using System.Collections.Generic;
using Workflows.Generators.Model;

namespace Workflows.Generators.Binding;

/// <summary>
/// The workflows a document's <c>workflow:</c> steps may run, and what the set binder already reported
/// about it (cycles), for <see cref="WorkflowBinder"/>.
/// </summary>
internal sealed class WorkflowScope
{
    public static readonly WorkflowScope Empty = new(new Dictionary<string, WorkflowSignature>(), Array.Empty<DiagnosticInfo>(), new HashSet<string>());

    private readonly IReadOnlyDictionary<string, WorkflowSignature> _workflows;

    public WorkflowScope(IReadOnlyDictionary<string, WorkflowSignature> workflows, IReadOnlyList<DiagnosticInfo> diagnostics, ISet<string> silent)
    {
        _workflows = workflows;
        Diagnostics = diagnostics;
        Silent = silent;
    }

    /// <summary>Diagnostics about this document found across files (a cycle through it).</summary>
    public IReadOnlyList<DiagnosticInfo> Diagnostics { get; }

    /// <summary>Workflows whose invalidity is already explained by <see cref="Diagnostics"/>.</summary>
    public ISet<string> Silent { get; }

    public IEnumerable<string> Names => _workflows.Keys;

    public WorkflowSignature? Find(string name) => _workflows.TryGetValue(name, out var signature) ? signature : null;
}
