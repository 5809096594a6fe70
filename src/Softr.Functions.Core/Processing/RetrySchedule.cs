using Microsoft.Extensions.Options;
using Softr.Functions.Events;

namespace Softr.Functions.Processing;

/// <summary>
/// When an event that did not finish is tried again, and when waiting stops. Pure arithmetic over the
/// settings, the envelope and the clock; the jitter is a parameter, so tests fix it.
/// <list type="bullet">
/// <item>a failed attempt: <see cref="ProcessingOptions.RetryBaseDelay"/> doubled per earlier failure, up to <see cref="ProcessingOptions.MaxRetryDelay"/>;</item>
/// <item>a deferral (no budget, or another copy running): about <see cref="ProcessingOptions.BusyRetryDelay"/>, not counted as an attempt;</item>
/// <item>deferrals stop once the first of them is <see cref="ProcessingOptions.MaxDeferral"/> old.</item>
/// </list>
/// Every delay is spread by ±20% so that events that failed together do not come back together.
/// </summary>
public sealed class RetrySchedule(IOptions<ProcessingOptions> options, TimeProvider time)
{
    /// <summary>The spread applied to every delay: a factor in [1 - Spread, 1 + Spread].</summary>
    public const double JitterSpread = 0.2;

    public int MaxAttempts => options.Value.MaxAttempts;

    /// <summary>Whether another failed attempt is allowed after <paramref name="envelope"/>'s.</summary>
    public bool MayRetry(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.Failures + 1 < options.Value.MaxAttempts;
    }

    /// <summary>The envelope to send after a failed attempt, and its delay.</summary>
    public (EventEnvelope Next, TimeSpan Delay) AfterFailure(EventEnvelope envelope, double jitter)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var settings = options.Value;
        var doubled = settings.RetryBaseDelay.Ticks * (1L << Math.Min(envelope.Failures, 20));
        return (envelope with { Failures = envelope.Failures + 1 }, Jittered(TimeSpan.FromTicks(Math.Min(settings.MaxRetryDelay.Ticks, doubled)), jitter));
    }

    /// <summary>Whether <paramref name="envelope"/> has been deferred for as long as is allowed.</summary>
    public bool DeferredTooLong(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.DeferredSince is { } since && time.GetUtcNow() - since >= options.Value.MaxDeferral;
    }

    /// <summary>The envelope to send for a deferral (counted, and its start kept), and its delay.</summary>
    public (EventEnvelope Next, TimeSpan Delay) AfterDeferral(EventEnvelope envelope, double jitter)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var next = envelope with { Deferrals = envelope.Deferrals + 1, DeferredSince = envelope.DeferredSince ?? time.GetUtcNow() };
        return (next, Jittered(options.Value.BusyRetryDelay, jitter));
    }

    /// <summary>How long the event has been deferred, for the dead letter's detail.</summary>
    public TimeSpan DeferredFor(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.DeferredSince is { } since ? time.GetUtcNow() - since : TimeSpan.Zero;
    }

    /// <param name="jitter">A number in [0, 1): 0 gives the shortest delay, towards 1 the longest.</param>
    private static TimeSpan Jittered(TimeSpan delay, double jitter) => delay * (1 - JitterSpread + (Math.Clamp(jitter, 0, 1) * 2 * JitterSpread));
}
