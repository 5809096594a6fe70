using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Operations;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Tests.Operations;

[Collection(StaticTelemetryCollection.Name)]
public sealed class ActivityTallyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 10, 15, 42, TimeSpan.Zero));

    [Fact]
    public void TheAppsOwnMetrics_AreCountedPerMinuteHookAndOutcome()
    {
        // A hook name of its own: other tests in this process record on the same (static) instruments.
        var hook = "tally-" + Guid.NewGuid().ToString("N")[..8];
        using var tally = new ActivityTally(_time);

        SoftrTelemetry.Webhooks.Add(1, new("hook", hook), new("outcome", "accepted"));
        SoftrTelemetry.Webhooks.Add(1, new("hook", hook), new("outcome", "bad-signature"));
        SoftrTelemetry.Attempts.Add(1, new("outcome", "Succeeded"), new("hook", hook));
        SoftrTelemetry.Attempts.Add(1, new("outcome", "RetryScheduled"), new("hook", hook));
        SoftrTelemetry.Attempts.Add(1, new("outcome", "AlreadyFinished"), new("hook", hook)); // a redelivery's copy (D28)
        SoftrTelemetry.Attempts.Add(1, new("outcome", "DeadLettered"), new("hook", hook)); // counted from softr.deadletters
        SoftrTelemetry.DeadLetters.Add(1, new("cause", "softr-unauthorized"), new("hook", hook));
        var counts = tally.TakeChanged().Single().Counts[hook];

        Assert.Equal(2, counts[ActivityCounters.Received]);
        Assert.Equal(1, counts[ActivityCounters.Accepted]);
        Assert.Equal(1, counts[ActivityCounters.Duplicate]);
        Assert.Equal(1, counts[ActivityCounters.RefusedPrefix + "bad-signature"]);
        Assert.Equal(1, counts[ActivityCounters.Succeeded]);
        Assert.Equal(1, counts[ActivityCounters.Retried]);
        Assert.Equal(1, counts[ActivityCounters.DeadLettered]);
    }

    /// <summary>Softr's calls and 429s are kept per connection, and budget waits per token, beside the app-wide totals.</summary>
    [Fact]
    public void SoftrCalls_AreCountedPerConnection_AndBudgetWaitsPerToken_BesideTheAppWideTotals()
    {
        // Names of its own: other tests in this process record on the same (static) instruments.
        var (connection, token) = ("conn-" + Guid.NewGuid().ToString("N")[..8], Guid.NewGuid().ToString("N")[..16]);
        using var tally = new ActivityTally(_time);

        SoftrTelemetry.SoftrCalls.Add(1, new("status", 200), new(SoftrTelemetry.ConnectionTag, connection));
        SoftrTelemetry.SoftrCalls.Add(1, new("status", 429), new(SoftrTelemetry.ConnectionTag, connection));
        SoftrTelemetry.BudgetWait.Record(0.5, new KeyValuePair<string, object?>(SoftrTelemetry.TokenTag, token));
        SoftrTelemetry.BudgetWait.Record(0.001, new KeyValuePair<string, object?>(SoftrTelemetry.TokenTag, token)); // granted at once: not a wait
        var counts = tally.TakeChanged().Single().Counts[ActivityCounters.AppWide];

        Assert.Equal(2, counts[ActivityCounters.Of(ActivityCounters.SoftrCalls, connection)]);
        Assert.Equal(1, counts[ActivityCounters.Of(ActivityCounters.SoftrThrottled, connection)]);
        Assert.Equal(1, counts[ActivityCounters.Of(ActivityCounters.BudgetWaits, ActivityCounters.Token(token))]);
        Assert.Equal(500, counts[ActivityCounters.Of(ActivityCounters.BudgetWaitMilliseconds, ActivityCounters.Token(token))]);
        Assert.True(counts[ActivityCounters.SoftrCalls] >= 2 && counts[ActivityCounters.BudgetWaits] >= 1);
    }

    [Fact]
    public void OnlyChangedMinutesAreTaken_AWriteThatFailedIsTakenAgain_AndPastMinutesAreForgotten()
    {
        // The tally also hears the app's instruments. No test runs beside this one (its collection), and its hook is its own.
        var a = "tally-" + Guid.NewGuid().ToString("N")[..8];
        using var tally = new ActivityTally(_time);
        IReadOnlyList<ActivityMinute> Take() => [.. tally.TakeChanged().Where(minute => minute.Counts.ContainsKey(a))];
        tally.Count(a, ActivityCounters.Accepted);
        _time.Advance(TimeSpan.FromMinutes(1));
        tally.Count(a, ActivityCounters.Accepted, 2);

        var first = Take();
        var nothing = Take();
        tally.Return(first);
        var again = Take();
        _time.Advance(TimeSpan.FromMinutes(5));
        tally.Count(a, ActivityCounters.Accepted);
        var late = Take(); // and the minutes long past are forgotten
        tally.Return(first);
        var forgotten = Take();

        Assert.Equal([new DateTimeOffset(2026, 11, 30, 10, 15, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 30, 10, 16, 0, TimeSpan.Zero)], first.Select(minute => minute.Minute));
        Assert.Equal([1L, 2L], first.Select(minute => minute.Counts[a][ActivityCounters.Accepted]));
        Assert.Empty(nothing);
        Assert.Equal(first.Select(minute => minute.Minute), again.Select(minute => minute.Minute));
        Assert.Equal([new DateTimeOffset(2026, 11, 30, 10, 21, 0, TimeSpan.Zero)], late.Select(minute => minute.Minute));
        Assert.Empty(forgotten);
    }
}
