using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Runtime;

/// <summary>
/// Runs the items of a <c>foreach</c> step: at most <c>maxParallel</c> at once, results in input order.
/// Not meant to be used directly: generated code calls it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ForEach
{
    /// <summary>No bound on the items running at once.</summary>
    public const int Unbounded = -1;

    /// <summary>
    /// Runs <paramref name="body"/> for every item and returns the results in input order. A failed item
    /// cancels the others and fails with a <see cref="ForEachFailedException"/>, unless
    /// <paramref name="continueOnError"/>, in which case every item runs and every failure is reported.
    /// </summary>
    public static async ValueTask<TResult[]> RunAsync<TItem, TResult>(
        IEnumerable<TItem> source,
        int maxParallel,
        bool continueOnError,
        Func<TItem, int, CancellationToken, ValueTask<TResult>> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var items = source as TItem[] ?? source.ToArray();
        if (items.Length == 0)
        {
            return Array.Empty<TResult>();
        }

        var run = new Run<TItem, TResult>(items, new TResult[items.Length], body, continueOnError, cancellationToken);
        await run.ExecuteAsync(maxParallel).ConfigureAwait(false);
        return run.Results!;
    }

    /// <summary>Like <see cref="RunAsync{TItem, TResult}"/>, for actions without output.</summary>
    public static ValueTask RunAsync<TItem>(
        IEnumerable<TItem> source,
        int maxParallel,
        bool continueOnError,
        Func<TItem, int, CancellationToken, ValueTask> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var items = source as TItem[] ?? source.ToArray();
        if (items.Length == 0)
        {
            return default;
        }

        var run = new Run<TItem, bool>(items, results: null, async (item, index, token) =>
        {
            await body(item, index, token).ConfigureAwait(false);
            return true;
        }, continueOnError, cancellationToken);
        return run.ExecuteAsync(maxParallel);
    }

    /// <summary>Keeps the highest attempt count of any item in <paramref name="attempts"/>.</summary>
    public static void RecordAttempts(ref int attempts, int itemAttempts)
    {
        var current = Volatile.Read(ref attempts);
        while (itemAttempts > current)
        {
            var seen = Interlocked.CompareExchange(ref attempts, itemAttempts, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>One execution of a foreach step: workers take the next index until none is left.</summary>
    private sealed class Run<TItem, TResult> : CancellationTokenSource
    {
        private readonly TItem[] _items;
        private readonly Func<TItem, int, CancellationToken, ValueTask<TResult>> _body;
        private readonly bool _continueOnError;
        private readonly CancellationToken _callerToken;
        private readonly List<ForEachItemFailure> _failures = new();
        private int _next = -1;

        public Run(TItem[] items, TResult[]? results, Func<TItem, int, CancellationToken, ValueTask<TResult>> body, bool continueOnError, CancellationToken cancellationToken)
        {
            _items = items;
            Results = results;
            _body = body;
            _continueOnError = continueOnError;
            _callerToken = cancellationToken;
        }

        public TResult[]? Results { get; }

        public async ValueTask ExecuteAsync(int maxParallel)
        {
            var workers = maxParallel < 1 ? _items.Length : Math.Min(maxParallel, _items.Length);
            using (_callerToken.CanBeCanceled ? _callerToken.UnsafeRegister(static state => ((Run<TItem, TResult>)state!).Cancel(), this) : default)
            {
                if (workers == 1)
                {
                    await WorkAsync().ConfigureAwait(false);
                }
                else
                {
                    // Each worker on the thread pool, so that synchronous actions really run side by side.
                    var tasks = new Task[workers];
                    for (var i = 0; i < workers; i++)
                    {
                        tasks[i] = Task.Run(WorkAsync);
                    }

                    await Task.WhenAll(tasks).ConfigureAwait(false);
                }
            }

            Dispose();
            _callerToken.ThrowIfCancellationRequested();
            if (_failures.Count > 0)
            {
                _failures.Sort(static (a, b) => a.Index.CompareTo(b.Index));
                throw new ForEachFailedException(_items.Length, _failures.ToArray());
            }
        }

        /// <summary>Never throws: a failure is recorded, and (fail-fast) cancels the other items.</summary>
        private async Task WorkAsync()
        {
            while (!IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref _next);
                if (index >= _items.Length)
                {
                    return;
                }

                try
                {
                    var result = await _body(_items[index], index, Token).ConfigureAwait(false);
                    if (Results is not null)
                    {
                        Results[index] = result;
                    }
                }
                catch (Exception exception)
                {
                    // Items cancelled because another failed, or because the caller cancelled, are not failures.
                    if (exception is OperationCanceledException && IsCancellationRequested)
                    {
                        return;
                    }

                    lock (_failures)
                    {
                        _failures.Add(new ForEachItemFailure(index, exception));
                    }

                    if (!_continueOnError)
                    {
                        Cancel();
                        return;
                    }
                }
            }
        }
    }
}
