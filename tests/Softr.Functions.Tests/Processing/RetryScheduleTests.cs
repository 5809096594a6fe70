using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Processing;
using Softr.Functions.Tests.Events;

namespace Softr.Functions.Tests.Processing;

/// <summary>When an unfinished event comes back, and when waiting stops (issue #13, item 2), on a fake clock.</summary>
public sealed class RetryScheduleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 10)]
    [InlineData(3, 40)]
    [InlineData(6, 300)] // 320 s, capped at MaxRetryDelay
    [InlineData(60, 300)] // no overflow however many failures
    public void FailedAttempts_DoubleTheDelay_UpToTheCap(int failures, double seconds)
    {
        var schedule = Schedule(new ProcessingOptions());

        var (next, delay) = schedule.AfterFailure(TestEnvelopes.Signup() with { Failures = failures }, jitter: 0.5);

        Assert.Equal(failures + 1, next.Failures);
        Assert.Equal(seconds, delay.TotalSeconds, precision: 6);
    }

    [Fact]
    public void Jitter_SpreadsADelayByAFifthEitherWay()
    {
        var schedule = Schedule(new ProcessingOptions());

        Assert.Equal(4, schedule.AfterFailure(TestEnvelopes.Signup(), jitter: 0).Delay.TotalSeconds, precision: 6);
        Assert.Equal(6, schedule.AfterFailure(TestEnvelopes.Signup(), jitter: 1).Delay.TotalSeconds, precision: 6);
        Assert.Equal(6, schedule.AfterFailure(TestEnvelopes.Signup(), jitter: 7).Delay.TotalSeconds, precision: 6);
    }

    [Fact]
    public void Retries_StopAtMaxAttempts()
    {
        var schedule = Schedule(new ProcessingOptions { MaxAttempts = 3 });

        Assert.True(schedule.MayRetry(TestEnvelopes.Signup() with { Failures = 1 }));
        Assert.False(schedule.MayRetry(TestEnvelopes.Signup() with { Failures = 2 }));
    }

    [Fact]
    public void Deferrals_AreCounted_AndTheFirstOnesTimeIsKept()
    {
        var schedule = Schedule(new ProcessingOptions());

        var (first, _) = schedule.AfterDeferral(TestEnvelopes.Signup(), jitter: 0.5);
        _time.Advance(TimeSpan.FromMinutes(10));
        var (second, delay) = schedule.AfterDeferral(first, jitter: 0.5);

        Assert.Equal(2, second.Deferrals);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromMinutes(10), second.DeferredSince);
        Assert.Equal(0, second.Failures);
        Assert.Equal(5, delay.TotalSeconds, precision: 6);
    }

    [Fact]
    public void Deferring_StopsOnceTheFirstDeferralIsMaxDeferralOld()
    {
        var schedule = Schedule(new ProcessingOptions { MaxDeferral = TimeSpan.FromHours(24) });
        var (deferred, _) = schedule.AfterDeferral(TestEnvelopes.Signup(), jitter: 0.5);

        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        var before = schedule.DeferredTooLong(deferred);
        _time.Advance(TimeSpan.FromSeconds(1));
        var at = schedule.DeferredTooLong(deferred);

        Assert.False(schedule.DeferredTooLong(TestEnvelopes.Signup()));
        Assert.False(before);
        Assert.True(at);
        Assert.Equal(TimeSpan.FromHours(24), schedule.DeferredFor(deferred));
    }

    private RetrySchedule Schedule(ProcessingOptions options) => new(Options.Create(options), _time);
}
