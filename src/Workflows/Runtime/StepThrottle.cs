using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Runtime;

/// <summary>
/// Bounds how many steps of a run call their actions at once (<see cref="WorkflowOptions.MaxDegreeOfParallelism"/>).
/// A free slot goes to the waiting step that comes first in the static batch order; with a bound of 1 steps
/// take turns strictly in that order, so a run is sequential and deterministic.
/// </summary>
/// <remarks>
/// A step asks for its turn only after its dependencies are done, and positions follow a topological order,
/// so the strict order cannot deadlock: every step before a waiting one finishes without waiting for it.
/// </remarks>
internal sealed class StepThrottle
{
    private readonly int _limit;
    private readonly SortedDictionary<int, TaskCompletionSource> _waiting = new();
    private int _running;
    private int _nextInOrder;

    public StepThrottle(int limit) => _limit = limit;

    private bool Strict => _limit == 1;

    public ValueTask EnterAsync(int position)
    {
        lock (_waiting)
        {
            if (_running < _limit && (!Strict || position == _nextInOrder) && (Strict || _waiting.Count == 0))
            {
                _running++;
                return default;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add(position, waiter);
            return new ValueTask(waiter.Task);
        }
    }

    public void Exit(int position)
    {
        TaskCompletionSource? next = null;
        lock (_waiting)
        {
            _running--;
            if (Strict)
            {
                _nextInOrder = position + 1;
                if (_waiting.Remove(_nextInOrder, out next))
                {
                    _running++;
                }
            }
            else if (_waiting.Count > 0)
            {
                using var first = _waiting.GetEnumerator();
                first.MoveNext();
                var (waitingPosition, waiter) = first.Current;
                _waiting.Remove(waitingPosition);
                next = waiter;
                _running++;
            }
        }

        next?.SetResult();
    }
}
