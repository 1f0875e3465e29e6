using System;
using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Common;
using Workflows.Generators.Model;

namespace Workflows.Generators.Actions;

/// <summary>Every action a compilation declares, by name. Equality covers the actions only.</summary>
internal sealed class ActionCatalog : IEquatable<ActionCatalog>
{
    private readonly Dictionary<string, List<ActionSpec>> _byName;

    public ActionCatalog(IEnumerable<ActionSpec> actions)
    {
        Actions = actions
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ThenBy(a => a.ContainingType, StringComparer.Ordinal)
            .ThenBy(a => a.MethodName, StringComparer.Ordinal)
            .ToEquatableArray();
        _byName = new Dictionary<string, List<ActionSpec>>(StringComparer.Ordinal);
        foreach (var action in Actions)
        {
            if (!_byName.TryGetValue(action.Name, out var list))
            {
                _byName.Add(action.Name, list = new List<ActionSpec>(1));
            }

            list.Add(action);
        }
    }

    public static ActionCatalog Empty { get; } = new(Array.Empty<ActionSpec>());

    public EquatableArray<ActionSpec> Actions { get; }

    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>All actions with this name: none (unknown), one, or several (a WF0008 duplicate).</summary>
    public IReadOnlyList<ActionSpec> Find(string name)
        => _byName.TryGetValue(name, out var list) ? list : Array.Empty<ActionSpec>();

    public bool Equals(ActionCatalog? other) => other is not null && Actions.Equals(other.Actions);

    public override bool Equals(object? obj) => Equals(obj as ActionCatalog);

    public override int GetHashCode() => Actions.GetHashCode();
}
