using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Workflows.Generators.Actions;
using Workflows.Generators.Common;
using Workflows.Generators.Model;
using Workflows.Generators.Types;

namespace Workflows.Generators.Binding;

/// <summary>
/// The last binding of each workflow file of one project, for the analyzer: in an IDE it runs on every
/// keystroke in any file, and most keystrokes change nothing a workflow depends on. A file is bound again
/// only when its document, the project-wide context (actions, types, JSON contexts, generated type names) or
/// what it sees of the other workflows (the ones it runs, cycles through it) changed.
/// </summary>
internal sealed class BindingCache
{
    private readonly object _gate = new();
    private Context? _context;
    private Dictionary<WorkflowDocument, Entry> _entries = new(ReferenceComparer.Instance);

    /// <summary>Starts a pass over a project's documents (passes may overlap: each keeps its own results).</summary>
    public Pass Begin(ActionCatalog catalog, ResolvedInputTypes inputTypes, string defaultNamespace, IReadOnlyList<TypeClaim> claims, EquatableArray<JsonContextInfo> jsonContexts)
    {
        var context = new Context(catalog, inputTypes, defaultNamespace, claims.ToEquatableArray(), jsonContexts);
        lock (_gate)
        {
            // One instance per distinct context, so entries are matched to a pass by reference.
            if (context.Equals(_context))
            {
                context = _context!;
            }

            return new Pass(this, context, _entries);
        }
    }

    /// <summary>One binding of a project's documents: reads what the last pass left, leaves what it bound.</summary>
    internal sealed class Pass
    {
        private readonly BindingCache _owner;
        private readonly Context _context;
        private readonly Dictionary<WorkflowDocument, Entry> _previous;
        private readonly Dictionary<WorkflowDocument, Entry> _next = new(ReferenceComparer.Instance);

        public Pass(BindingCache owner, Context context, Dictionary<WorkflowDocument, Entry> previous)
        {
            _owner = owner;
            _context = context;
            _previous = previous;
        }

        /// <summary>The binding of <paramref name="document"/> made in the same circumstances, or null.</summary>
        public BindingResult? Find(WorkflowDocument document, WorkflowScope scope)
        {
            if (_previous.TryGetValue(document, out var entry) && ReferenceEquals(entry.Context, _context) && entry.View.Equals(View.Of(document, scope)))
            {
                _next[document] = entry;
                return entry.Result;
            }

            return null;
        }

        public void Store(WorkflowDocument document, WorkflowScope scope, BindingResult result)
            => _next[document] = new Entry(_context, View.Of(document, scope), result);

        /// <summary>Ends the pass: only the documents it saw are kept (a deleted file's binding is let go).</summary>
        public void End()
        {
            lock (_owner._gate)
            {
                _owner._context = _context;
                _owner._entries = _next;
            }
        }
    }

    internal sealed record Context(ActionCatalog Catalog, ResolvedInputTypes InputTypes, string DefaultNamespace, EquatableArray<TypeClaim> Claims, EquatableArray<JsonContextInfo> JsonContexts);

    internal sealed record Entry(Context Context, View View, BindingResult Result);

    /// <summary>What a document's binding reads of the other workflows: see <see cref="WorkflowBinder"/>'s use of its scope.</summary>
    internal sealed record View(EquatableArray<DiagnosticInfo> Diagnostics, EquatableArray<Called> Calls, EquatableArray<string> Names)
    {
        public static View Of(WorkflowDocument document, WorkflowScope scope)
        {
            var calls = document.Steps
                .Where(s => s.Workflow is not null)
                .Select(s => s.Workflow!.Value.Value)
                .Distinct()
                .Select(name => new Called(name, scope.Find(name), scope.Silent.Contains(name)))
                .ToEquatableArray();

            // An unknown workflow's message suggests a known name, so it reads every name.
            var names = calls.Any(c => c.Signature is null)
                ? scope.Names.OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray()
                : EquatableArray<string>.Empty;
            return new View(scope.Diagnostics.ToEquatableArray(), calls, names);
        }
    }

    internal sealed record Called(string Name, WorkflowSignature? Signature, bool Silent);

    private sealed class ReferenceComparer : IEqualityComparer<WorkflowDocument>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(WorkflowDocument? x, WorkflowDocument? y) => ReferenceEquals(x, y);

        public int GetHashCode(WorkflowDocument obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
