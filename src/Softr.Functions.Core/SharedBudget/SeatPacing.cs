namespace Softr.Functions.SharedBudget;

/// <summary>
/// One instance's pacing on the seats it holds: a token bucket at the seats' rate, holding at most a tenth of a
/// second's worth (at least one call), so that in any second the instance makes at most its rate and that burst.
/// Time is passed in: the bucket is plain arithmetic, tested on its own (<c>SeatPacingTests</c>).
/// </summary>
internal sealed class SeatPacing(double seatRate, DateTimeOffset start)
{
    private static readonly TimeSpan NoSeatWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(100);

    private double _tokens;
    private DateTimeOffset _lastRefill = start;

    /// <summary>
    /// Takes one call's worth at <paramref name="now"/> with <paramref name="seatsHeld"/> seats: null when the call may go;
    /// else how long to wait before asking again (at most a tenth of a second: the seats held may change meanwhile).
    /// </summary>
    public TimeSpan? Take(DateTimeOffset now, int seatsHeld)
    {
        var wait = Room(now, seatsHeld);
        if (wait is null)
        {
            Spend();
        }
        return wait;
    }

    /// <summary>As <see cref="Take"/>, without taking: null when a call's worth has accrued (<see cref="Spend"/> takes it).</summary>
    public TimeSpan? Room(DateTimeOffset now, int seatsHeld)
    {
        var rate = seatsHeld * seatRate;
        var burst = Math.Max(1, rate / 10);
        _tokens = rate == 0 ? 0 : Math.Min(burst, _tokens + ((now - _lastRefill).TotalSeconds * rate));
        _lastRefill = now;
        if (_tokens >= 1)
        {
            return null;
        }
        // At least a millisecond: a wait rounded to nothing would only spin.
        return rate == 0 ? NoSeatWait : TimeSpan.FromSeconds(Math.Clamp((1 - _tokens) / rate, 0.001, LongestWait.TotalSeconds));
    }

    /// <summary>Takes the call's worth that <see cref="Room"/> found.</summary>
    public void Spend() => _tokens -= 1;
}
