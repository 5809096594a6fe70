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
    ValueTask<bool> AcquireAsync(SoftrBudgetKey key, int perSecond, CancellationToken cancellationToken);
}
