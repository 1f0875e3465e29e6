using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Workflows.Runtime;
using Xunit;

namespace Workflows.Tests;

/// <summary>
/// The builder of generated batch steps and <c>ExecuteAsync</c>: results, exceptions and the execution context
/// behave as with any async method, and a box returned on one thread serves the next call on another.
/// </summary>
public sealed class PooledMethodBuilderTests
{
    [Fact]
    public async Task A_method_that_never_waits_completes_synchronously_with_its_result()
    {
        var task = AddAsync(2, 3, gate: null);

        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(5, await task);
    }

    [Fact]
    public async Task A_method_that_waits_completes_when_its_await_does()
    {
        var gate = new Gate();
        var task = AddAsync(2, 3, gate);
        Assert.False(task.IsCompleted);

        gate.Open();

        Assert.Equal(5, await task);
    }

    [Fact]
    public async Task An_exception_before_the_first_await_faults_the_task()
    {
        var task = ThrowAsync(beforeAwait: true, gate: new Gate());

        Assert.True(task.IsFaulted);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await task);
        Assert.Equal("before", exception.Message);
    }

    [Fact]
    public async Task An_exception_after_an_await_faults_the_task()
    {
        var gate = new Gate();
        var task = ThrowAsync(beforeAwait: false, gate);
        Assert.False(task.IsCompleted);

        gate.Open();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await task);
        Assert.Equal("after", exception.Message);
    }

    [Fact]
    public async Task The_callers_async_locals_flow_in_and_the_methods_own_do_not_flow_out()
    {
        var local = new AsyncLocal<string?> { Value = "caller" };
        var gate = new Gate();

        var task = ReadAndSetAsync(local, gate);
        Assert.Equal("caller", local.Value); // the method set its own before its first await: undone on return

        gate.OpenOnThreadPool(); // resumes on a pool thread, which has never seen either value
        Assert.Equal("caller/method", await task);
        Assert.Equal("caller", local.Value);
    }

    [Fact]
    public async Task Awaiting_a_finished_task_twice_is_refused()
    {
        var gate = new Gate();
        var task = AddAsync(1, 1, gate);
        gate.Open();
        Assert.Equal(2, await task);

        // The box went back to the pool: its old task must not read what the box's next method returns.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await task);
    }

    [Fact]
    public void A_method_cancelled_before_its_first_await_gives_a_cancelled_task()
    {
        var task = CancelledAsync(new CancellationToken(canceled: true), new Gate());

        Assert.True(task.IsCanceled);
    }

    [Fact]
    public async Task Reading_an_unfinished_task_is_refused_and_its_box_stays_with_it()
    {
        var gate = new Gate();
        var task = AddAsync(1, 2, gate);

#pragma warning disable xUnit1031 // Deliberately reads the task before it has finished: the misuse under test.
        Assert.Throws<InvalidOperationException>(() => task.GetAwaiter().GetResult());
#pragma warning restore xUnit1031

        // Had the refused read returned the box to the pool, this call would take it and overwrite the first.
        var other = AddAsync(10, 20, new Gate());
        gate.Open();
        Assert.Equal(3, await task.AsTask().WaitAsync(TimeSpan.FromSeconds(30))); // the guard only stops a hang
        Assert.False(other.IsCompleted);
    }

    [Fact]
    public async Task More_overlapping_calls_than_the_pool_keeps_all_complete()
    {
        var gates = new Gate[100];
        var tasks = new ValueTask<int>[gates.Length];
        for (var i = 0; i < gates.Length; i++)
        {
            gates[i] = new Gate();
            tasks[i] = AddAsync(i, 1, gates[i]);
        }

        foreach (var gate in gates)
        {
            gate.OpenOnThreadPool();
        }

        for (var i = 0; i < tasks.Length; i++)
        {
            Assert.Equal(i + 1, await tasks[i]);
        }
    }

    [Fact]
    public void A_box_returned_on_another_thread_serves_the_next_call()
    {
        // This is what a run does: a batch's steps start on one thread, and whichever thread finishes the batch
        // reads their results. A cache per thread would leave every box on the reading thread, and each call here
        // would allocate a new one.
        var gate = new Gate();
        for (var i = 0; i < 3; i++)
        {
            CallHereFinishElsewhere(gate); // warm up: the first call allocates the box, and JIT work allocates
        }

        long allocated = 0;
        for (var i = 0; i < 20; i++)
        {
            allocated += CallHereFinishElsewhere(gate);
        }

        Assert.Equal(0, allocated);
    }

    /// <summary>Calls the method on this thread and finishes it on a new one; returns what the call allocated here.</summary>
    private static long CallHereFinishElsewhere(Gate gate)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var task = WaitOnceAsync(gate);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var finisher = new Thread(() =>
        {
            gate.Open();
            task.GetAwaiter().GetResult(); // returns the box to the pool, on the finisher's thread
        });
        finisher.Start();
        finisher.Join();
        return allocated;
    }

    [AsyncMethodBuilder(typeof(PooledMethodBuilder))]
    private static async ValueTask WaitOnceAsync(Gate gate) => await gate;

    [AsyncMethodBuilder(typeof(PooledMethodBuilder<>))]
    private static async ValueTask<int> AddAsync(int left, int right, Gate? gate)
    {
        if (gate is not null)
        {
            await gate;
        }

        return left + right;
    }

    [AsyncMethodBuilder(typeof(PooledMethodBuilder))]
    private static async ValueTask ThrowAsync(bool beforeAwait, Gate gate)
    {
        if (beforeAwait)
        {
            throw new InvalidOperationException("before");
        }

        await gate;
        throw new InvalidOperationException("after");
    }

    [AsyncMethodBuilder(typeof(PooledMethodBuilder))]
    private static async ValueTask CancelledAsync(CancellationToken cancellationToken, Gate gate)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await gate;
    }

    [AsyncMethodBuilder(typeof(PooledMethodBuilder<>))]
    private static async ValueTask<string> ReadAndSetAsync(AsyncLocal<string?> local, Gate gate)
    {
        var seen = local.Value;
        local.Value = "method";
        await gate;
        return seen + "/" + local.Value; // after the await, on another thread: the method's own context
    }

    /// <summary>
    /// An awaitable that completes when the test says so, and runs its continuation right there (or on the
    /// thread pool): no timing involved. One waiter at a time; it can be awaited again once opened.
    /// </summary>
    private sealed class Gate : ICriticalNotifyCompletion
    {
        private Action? _continuation;
        private bool _open;

        public Gate GetAwaiter() => this;

        public bool IsCompleted => _open;

        public void GetResult() => _open = false; // ready for the next waiter

        public void OnCompleted(Action continuation) => _continuation = continuation;

        public void UnsafeOnCompleted(Action continuation) => _continuation = continuation;

        public void Open()
        {
            _open = true;
            var continuation = Interlocked.Exchange(ref _continuation, null);
            continuation?.Invoke();
        }

        public void OpenOnThreadPool()
        {
            _open = true;
            var continuation = Interlocked.Exchange(ref _continuation, null);
            if (continuation is not null)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
            }
        }
    }
}
