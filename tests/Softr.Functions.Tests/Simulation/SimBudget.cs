using Softr.Resilience;

namespace Softr.Functions.Tests.Simulation;

/// <summary>
/// The Softr budget shared by every instance, as processing sees it: a call waits its turn (a point where
/// another flow may run) and, at <see cref="RefusedRate"/>, waits the longest it may
/// (<c>Processing:MaxBudgetWait</c>) and is refused, so the event is deferred, not counted as an attempt.
/// How seats are shared is not simulated here: the shared budget has its own simulation (D26).
/// </summary>
internal sealed class SimBudget(SimScheduler scheduler, SimClock clock, Random random, TimeSpan maxWait) : ISharedRateBudget
{
    public double RefusedRate { get; set; }

    public int Refused { get; private set; }

    public async ValueTask<bool> AcquireAsync(SoftrBudgetKey key, int perSecond, CallOrder order, CancellationToken cancellationToken)
    {
        await scheduler.YieldAsync(cancellationToken).ConfigureAwait(false);
        if (random.NextDouble() >= RefusedRate)
        {
            return true;
        }
        // Not cancellable: a cancelled Task.Delay resumes off the scheduler's thread (see SimScheduler.IsParked); the
        // host's token is honoured at the next yield instead.
        await Task.Delay(maxWait, clock, CancellationToken.None).ConfigureAwait(false);
        Refused++;
        return false;
    }
}
