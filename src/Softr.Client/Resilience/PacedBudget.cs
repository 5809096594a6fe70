namespace Softr.Resilience;

/// <summary>
/// Lets calls go at <c>perSecond</c>, with a burst of a tenth of a second's budget after a quiet spell.
/// Callers wait their turn in <see cref="PriorityTurns"/>' order (priority, a floor for bulk, sources in turn);
/// the one holding the turn is released when a whole token has accrued,
/// where tokens accrue with the time that has actually passed (capped at the burst). Because the
/// reckoning uses real release times, a stalled process (a GC pause, a starved thread pool) releases
/// at most the burst when it resumes, never a pile of overdue calls, so any one-second window sees at
/// most <c>perSecond</c> plus the burst. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class PacedBudget
{
    private readonly PriorityTurns _turns = new();
    private readonly TimeProvider _time;
    private readonly long _ticksPerToken;
    private readonly int _maxQueued;
    private double _tokens;
    private DateTimeOffset _lastRefill;
    private int _queued;

    /// <summary>A budget of <paramref name="perSecond"/> calls a second.</summary>
    /// <param name="perSecond">Calls allowed each second.</param>
    /// <param name="maxQueued">Callers that may wait for a turn; more are refused at once.</param>
    /// <param name="time">The clock (a fake one in tests).</param>
    public PacedBudget(int perSecond, int maxQueued, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _ticksPerToken = TimeSpan.TicksPerSecond / perSecond;
        _maxQueued = maxQueued;
        Burst = Math.Max(1, perSecond / 10);
        _tokens = Burst;
        _lastRefill = time.GetUtcNow();
    }

    /// <summary>How many calls may go at once after a quiet spell.</summary>
    public int Burst { get; }

    /// <summary>True once the call may go; false at once when <c>maxQueued</c> callers are already waiting.</summary>
    /// <param name="order">Where the call stands in line: its priority and source.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async ValueTask<bool> WaitAsync(CallOrder order, CancellationToken cancellationToken)
    {
        // Counts every caller not yet granted, the one at the front included.
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }
        try
        {
            await _turns.TakeAsync(order, cancellationToken).ConfigureAwait(false);
            // Whether this caller holds the turn: not while it waits to have it back after being overtaken, so that a
            // cancellation then does not give away a turn another caller holds.
            var holding = true;
            try
            {
                while (true)
                {
                    var missing = Shortfall();
                    if (missing == TimeSpan.Zero)
                    {
                        // A caller that goes first may have come while this one waited: it takes this token.
                        holding = false;
                        var overtaken = await _turns.OvertakenAsync(order, cancellationToken).ConfigureAwait(false);
                        holding = true;
                        if (overtaken)
                        {
                            continue;
                        }
                        _tokens -= 1;
                        return true;
                    }
                    await Task.Delay(missing, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (holding)
                {
                    _turns.Release();
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>Zero when a whole token has accrued; otherwise how long until one will have.</summary>
    private TimeSpan Shortfall()
    {
        var now = _time.GetUtcNow();
        _tokens = Math.Min(Burst, _tokens + (now - _lastRefill).Ticks / (double)_ticksPerToken);
        _lastRefill = now;
        if (_tokens >= 1)
        {
            return TimeSpan.Zero;
        }
        return TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling((1 - _tokens) * _ticksPerToken)));
    }
}
