using Softr.Resilience;

namespace Softr.Functions.Tests.Resilience;

/// <summary>
/// <see cref="PriorityTurns"/> under contention on the thread pool. In the CPU-heavy collection: sixty-four busy workers
/// would starve the tests that wait on a pool thread beside it (a CI run's console-writer test did).
/// </summary>
[Collection(CpuHeavyCollection.Name)]
public sealed class PriorityTurnsContentionTests
{
    /// <summary>
    /// Many callers taking, being overtaken, giving up and releasing at once, on the thread pool: never two holders at a
    /// time, and the turn always comes free in the end.
    /// </summary>
    [Fact]
    public async Task UnderContention_TheTurnHasAtMostOneHolder_AndIsNeverLost()
    {
        var turns = new PriorityTurns();
        var holders = 0;
        var most = 0;
        var priorities = new[] { CallPriority.Bulk, CallPriority.Normal, CallPriority.High };
        await Task.WhenAll(Enumerable.Range(0, 64).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var round = 0; round < 50; round++)
            {
                var order = new CallOrder(priorities[random.Next(3)], $"hook{random.Next(4)}");
                using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(1, 20)));
                try
                {
                    await turns.TakeAsync(order, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }
                var holding = true;
                try
                {
                    Hold();
                    await Task.Yield();
                    Unhold();
                    holding = false;
                    var overtaken = await turns.OvertakenAsync(order, stop.Token);
                    holding = true;
                    Hold();
                    await Task.Yield();
                    Unhold();
                    _ = overtaken;
                }
                catch (OperationCanceledException)
                {
                    // gave up while waiting for the turn back: it holds nothing
                }
                finally
                {
                    if (holding)
                    {
                        turns.Release();
                    }
                }
            }
        })));

        Assert.Equal(1, most);
        var again = turns.TakeAsync(CallOrder.Unmarked, CancellationToken.None).AsTask();
        Assert.True(await Task.WhenAny(again, Task.Delay(TimeSpan.FromSeconds(5))) == again, "the turn was lost");
        turns.Release();
        Assert.Equal(0, turns.Waiting);

        void Hold()
        {
            var now = Interlocked.Increment(ref holders);
            int seen;
            do
            {
                seen = Volatile.Read(ref most);
            }
            while (now > seen && Interlocked.CompareExchange(ref most, now, seen) != seen);
        }

        void Unhold() => Interlocked.Decrement(ref holders);
    }
}
