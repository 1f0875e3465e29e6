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

    /// <summary>
    /// Each cycle once (two paths through the same steps are one cycle), starting at the step whose edge closes
    /// it in file order: the edge read last, by <paramref name="edgePosition"/>. [c, b, a, c] when c's entry comes
    /// after a's and b's in the file.
    /// </summary>
    /// <param name="edgePosition">Where the edge from a step to one it depends on is written, as an offset in the file.</param>
    public static List<List<int>> ClosedInFileOrder(List<List<int>> cycles, System.Func<int, int, int> edgePosition)
    {
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        var result = new List<List<int>>();
        foreach (var cycle in cycles)
        {
            var steps = new List<int>(cycle.GetRange(0, cycle.Count - 1));
            steps.Sort();
            if (!seen.Add(string.Join(",", steps)))
            {
                continue;
            }

            var closing = 0;
            for (var i = 1; i < cycle.Count - 1; i++)
            {
                if (edgePosition(cycle[i], cycle[i + 1]) > edgePosition(cycle[closing], cycle[closing + 1]))
                {
                    closing = i;
                }
            }

            var rotated = new List<int>(cycle.Count);
            for (var i = 0; i < cycle.Count - 1; i++)
            {
                rotated.Add(cycle[(closing + i) % (cycle.Count - 1)]);
            }

            rotated.Add(rotated[0]);
            result.Add(rotated);
        }

        return result;
    }
}
