using Softr.Functions.SharedBudget;

namespace Softr.Functions.Tests.SharedBudget;

/// <summary>
/// An instance's pacing on its seats, on virtual time (issue #24, item 8: this replaces a wall-clock bound on
/// Azurite that a busy machine could break). With <see cref="SharedBudgetSimulationTests"/> (no seat held by two
/// instances at once) it makes the shared budget's promise: in any one second, all instances together make at
/// most the rate, plus each instance's burst of a tenth of its rate (at least one call).
/// </summary>
public sealed class SeatPacingTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(40, 10, 10)] // one instance with every seat
    [InlineData(40, 10, 4)]
    [InlineData(30, 10, 1)]
    [InlineData(40, 40, 3)]
    public void ACallerIdleThenGreedy_GetsItsSeatsRate_AndNeverMoreInAnySecond_ThanTheRateAndOneBurst(int perSecond, int seats, int held)
    {
        var rate = perSecond * held / (double)seats;
        // Idle for two seconds (the bucket fills to its burst), then asking as fast as it is let.
        var grants = Play(new SeatPacing(perSecond / (double)seats, Start), TimeSpan.FromSeconds(20), _ => held, idleFor: TimeSpan.FromSeconds(2));

        var burst = Math.Max(1, rate / 10);
        Assert.InRange(BusiestSecond(grants), (int)rate, (int)Math.Floor(rate + burst));
        // Not starved: the whole rate is used, and the burst saved while idle (within a call).
        Assert.InRange(grants.Count, (int)(rate * 18 + burst) - 1, (int)(rate * 18 + burst) + 1);
    }

    [Fact]
    public void SeatsLostMidway_SlowTheCaller_AtOnce()
    {
        // 10 seats of 4/s each for 5 s, then 2 seats: the second half's seconds hold at most 8 and a burst of 1.
        var grants = Play(new SeatPacing(4, Start), TimeSpan.FromSeconds(10), at => at < TimeSpan.FromSeconds(5) ? 10 : 2);

        var late = grants.Where(time => time - Start >= TimeSpan.FromSeconds(5.2)).ToList();
        Assert.InRange(BusiestSecond(late), 1, 9);
        Assert.InRange(grants.Count(time => time - Start < TimeSpan.FromSeconds(5)), 195, 205);
    }

    [Fact]
    public void NoSeat_NoCall_AndTheCallerLooksAgainWithinATenthOfASecond()
    {
        var pacing = new SeatPacing(4, Start);

        Assert.Equal(TimeSpan.FromMilliseconds(100), pacing.Take(Start + TimeSpan.FromSeconds(3), seatsHeld: 0));
    }

    /// <summary>A caller that asks again as soon as it is told to, for <paramref name="length"/> of virtual time: when each call went.</summary>
    private static List<DateTimeOffset> Play(SeatPacing pacing, TimeSpan length, Func<TimeSpan, int> seatsAt, TimeSpan idleFor = default)
    {
        var grants = new List<DateTimeOffset>();
        var now = Start + idleFor;
        while (now - Start < length)
        {
            if (pacing.Take(now, seatsAt(now - Start)) is { } wait)
            {
                Assert.InRange(wait, TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(100));
                now += wait;
            }
            else
            {
                grants.Add(now);
            }
        }
        return grants;
    }

    private static int BusiestSecond(List<DateTimeOffset> times) =>
        times.Select((start, index) => times.Skip(index).TakeWhile(time => time - start < TimeSpan.FromSeconds(1)).Count()).DefaultIfEmpty(0).Max();
}
