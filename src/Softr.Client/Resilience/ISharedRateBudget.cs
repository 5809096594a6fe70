namespace Softr.Resilience;

/// <summary>
/// A Softr rate budget shared with every other process that calls Softr with the same token. The
/// per-process pacing in <see cref="SoftrRateLimiter"/> cannot see the others; this can.
/// </summary>
public interface ISharedRateBudget
{
    /// <summary>
    /// True once the call may go. False when no budget came in the implementation's longest wait: the
    /// call is then not sent, and the caller should try again later rather than count it as a failure.
    /// </summary>
    /// <param name="key">The token (by fingerprint) and kind of call.</param>
    /// <param name="perSecond">The budget's rate.</param>
    /// <param name="order">Where the call stands in line: waiting calls are let go by priority, and sources take turns.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    ValueTask<bool> AcquireAsync(SoftrBudgetKey key, int perSecond, CallOrder order, CancellationToken cancellationToken);
}
