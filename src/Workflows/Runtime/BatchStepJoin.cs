using System;
using System.Threading.Tasks;

namespace Workflows.Runtime;

/// <summary>
/// Waits for the task of one step of a batch on behalf of its run, in place of a state machine per step: when
/// the task completes, the run records the outcome and counts the step out of its batch. Reused through a pool
/// every thread shares, so a batch of plain actions costs its run no allocation of its own.
/// </summary>
internal sealed class BatchStepJoin
{
    private static readonly BatchStepJoin?[] s_pool = new BatchStepJoin?[Math.Clamp(Environment.ProcessorCount * 16, 32, 256)];

    private readonly Action _continuation;
    private ConcurrentWorkflowRun? _run;
    private Task? _task;
    private string? _stepId;
    private int _position;
    private int _step;

    private BatchStepJoin() => _continuation = OnCompleted;

    /// <summary>Calls the run back once <paramref name="task"/> completes, on the thread that completes it.</summary>
    internal static void Attach(ConcurrentWorkflowRun run, int position, int step, string stepId, Task task)
    {
        var join = Rent();
        join._run = run;
        join._task = task;
        join._stepId = stepId;
        join._position = position;
        join._step = step;
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(join._continuation);
    }

    private void OnCompleted()
    {
        var run = _run!;
        var task = _task!;
        var stepId = _stepId!;
        var position = _position;
        var step = _step;
        Return();
        run.CompleteBatchStep(position, step, stepId, task);
    }

    private static BatchStepJoin Rent() => SharedPool.Rent(s_pool) ?? new BatchStepJoin();

    private void Return()
    {
        // Cleared first: an idle join must not keep a run or a task alive.
        _run = null;
        _task = null;
        _stepId = null;
        SharedPool.Return(s_pool, this);
    }
}
