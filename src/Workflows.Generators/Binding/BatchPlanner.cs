using System.Collections.Generic;
using System.Linq;
using Workflows.Generators.Common;

namespace Workflows.Generators.Binding;

/// <summary>
/// Splits an acyclic step graph into parallel batches (topological levels): a step's batch is one more than
/// the latest batch of its dependencies. Within a batch, steps keep file order.
/// </summary>
internal static class BatchPlanner
{
    public static EquatableArray<EquatableArray<int>> Plan(IReadOnlyList<IReadOnlyList<int>> dependencies)
    {
        var count = dependencies.Count;
        var level = new int[count];
        var remaining = new int[count];
        var dependents = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            dependents[i] = new List<int>();
        }

        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in dependencies[i].Distinct())
            {
                dependents[dependency].Add(i);
                remaining[i]++;
            }
        }

        // Kahn's algorithm: a step's level is final once all its dependencies have been visited.
        var ready = new Queue<int>(Enumerable.Range(0, count).Where(i => remaining[i] == 0));
        var maxLevel = -1;
        while (ready.Count > 0)
        {
            var step = ready.Dequeue();
            maxLevel = System.Math.Max(maxLevel, level[step]);
            foreach (var dependent in dependents[step])
            {
                level[dependent] = System.Math.Max(level[dependent], level[step] + 1);
                if (--remaining[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        var batches = new List<int>[maxLevel + 1];
        for (var b = 0; b < batches.Length; b++)
        {
            batches[b] = new List<int>();
        }

        for (var i = 0; i < count; i++)
        {
            batches[level[i]].Add(i);
        }

        return batches.Select(b => b.ToEquatableArray()).ToEquatableArray();
    }
}
