namespace Softr.Functions.Tests.Simulation;

/// <summary>
/// The simulation's clock: time moves only when the scheduler moves it (when no flow is ready to run), and
/// timers (<c>Task.Delay</c> on this provider, Polly's waits, lock polls) fire on the scheduler's thread,
/// their continuations inline, so a wait in the code under test is a point where another flow may run.
/// </summary>
internal sealed class SimClock(DateTimeOffset start) : TimeProvider
{
    private readonly List<SimTimer> _timers = [];
    private long _order;

    public DateTimeOffset Now { get; private set; } = start;

    /// <summary>The scheduler's thread while it runs; a timer set from any other is a flow the simulation does not drive.</summary>
    public Thread? Owner { get; set; }

    /// <summary>Where timers were set off the scheduler's thread (each a bug in the simulation's wiring, reported by the checks).</summary>
    public List<string> OffThread { get; } = [];

    public override DateTimeOffset GetUtcNow() => Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Now.UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SimTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>When the next live timer is due; null when none is.</summary>
    public DateTimeOffset? NextDue => _timers.Count == 0 ? null : _timers.Min(timer => timer.Due);

    /// <summary>Moves the clock forward (never back).</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        if (at > Now)
        {
            Now = at;
        }
    }

    /// <summary>Fires the earliest timer due by now, if any (its callback runs here, inline); returns whether one fired.</summary>
    public bool FireOne()
    {
        var due = _timers.Where(timer => timer.Due <= Now).OrderBy(timer => timer.Due).ThenBy(timer => timer.Order).FirstOrDefault();
        if (due is null)
        {
            return false;
        }
        _timers.Remove(due);
        if (due.Period > TimeSpan.Zero)
        {
            due.Schedule(Now + due.Period, due.Period);
        }
        due.Fire();
        return true;
    }

    private sealed class SimTimer(SimClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public TimeSpan Period { get; private set; }

        public long Order { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (clock.Owner is { } owner && Thread.CurrentThread != owner)
            {
                lock (clock.OffThread)
                {
                    clock.OffThread.Add(Environment.StackTrace);
                }
                return false;
            }
            clock._timers.Remove(this);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }
            Schedule(clock.Now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime), period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period);
            return true;
        }

        public void Schedule(DateTimeOffset due, TimeSpan period)
        {
            Due = due;
            Period = period;
            Order = ++clock._order;
            clock._timers.Add(this);
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            if (clock.Owner is { } owner && Thread.CurrentThread != owner)
            {
                lock (clock.OffThread)
                {
                    clock.OffThread.Add("disposed: " + Environment.StackTrace);
                }
                return;
            }
            clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
