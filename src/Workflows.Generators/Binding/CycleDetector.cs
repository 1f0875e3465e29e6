using System.Collections.Generic;

namespace Workflows.Generators.Binding;

/// <summary>
/// Finds dependency cycles with an iterative depth-first search (a 10 000-step chain must not overflow the
/// compiler's stack). Edges point from a step to the steps it depends on.
/// </summary>
internal static class CycleDetector
{
    /// <summary>
    /// One path per cycle found, each starting and ending at the same step, e.g. [a, b, c, a]: a depends on b,
    /// b on c, c on a. Steps are visited in file order, so the result is deterministic.
    /// </summary>
    public static List<List<int>> FindCycles(IReadOnlyList<IReadOnlyList<int>> dependencies)
    {
        var count = dependencies.Count;
        var state = new byte[count]; // 0 unvisited, 1 on the current path, 2 done
        var cycles = new List<List<int>>();
        var path = new List<int>();
        var nextEdge = new List<int>();

        for (var start = 0; start < count; start++)
        {
            if (state[start] != 0)
            {
                continue;
            }

            path.Add(start);
            nextEdge.Add(0);
            state[start] = 1;
            while (path.Count > 0)
            {
                var top = path.Count - 1;
                var node = path[top];
                var edges = dependencies[node];
                if (nextEdge[top] >= edges.Count)
                {
                    state[node] = 2;
                    path.RemoveAt(top);
                    nextEdge.RemoveAt(top);
                    continue;
                }

                var target = edges[nextEdge[top]++];
                if (state[target] == 1)
                {
                    var cycle = path.GetRange(path.IndexOf(target), path.Count - path.IndexOf(target));
                    cycle.Add(target);
                    cycles.Add(cycle);
                }
                else if (state[target] == 0)
                {
                    state[target] = 1;
                    path.Add(target);
                    nextEdge.Add(0);
                }
            }
        }

        return cycles;
    }
}
