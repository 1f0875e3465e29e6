using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Workflows.Testing;

/// <summary>
/// A clock that moves only when a test says so (Microsoft.Extensions.TimeProvider.Testing is not obtainable
/// here). Tests wait for a timer to be scheduled, check its due time, then advance past it: nothing sleeps.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = new();
    private DateTimeOffset _now;
    private TaskCompletionSource _timerScheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A clock stopped at <paramref name="start"/> (a fixed day in November 2026 when not given).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>The pending timers' due times, relative to now, soonest first.</summary>
    public IReadOnlyList<TimeSpan> Pending()
    {
        lock (_gate)
        {
            return _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value - _now).Order().ToList();
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> timers are pending.</summary>
    public async Task WaitForPendingAsync(int count = 1)
    {
        while (true)
        {
            Task scheduled;
            lock (_gate)
            {
                if (_timers.Count(t => t.Due is not null) >= count)
                {
                    return;
                }

                scheduled = _timerScheduled.Task;
            }

            await scheduled.WaitAsync(TimeSpan.FromSeconds(30)); // a guard against a hung test, not a wait
        }
    }

    /// <summary>Moves the clock and fires every timer that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.Due is { } at && at <= _now).ToList();
            foreach (var timer in due)
            {
                timer.Due = null;
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }

            signal = _timerScheduled;
            if (timer.Due is not null)
            {
                _timerScheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (timer.Due is not null)
        {
            signal.TrySetResult();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
