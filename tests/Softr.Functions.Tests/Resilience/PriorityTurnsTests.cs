using Microsoft.Extensions.Time.Testing;
using Softr.Resilience;

namespace Softr.Functions.Tests.Resilience;

/// <summary>
/// The in-process pacer serves waiting calls by priority (issue #25, item 3): on a fake clock, at one call a second,
/// a high call that arrives behind a queue of bulk and normal calls gets the next permit.
/// </summary>
public sealed class PriorityTurnsTests
{
    [Fact]
    public async Task AHighCall_ArrivingBehindAQueue_GetsTheNextPermit_EvenWhileAnotherHoldsTheTurn()
    {
        var time = new FakeTimeProvider();
        var budget = new PacedBudget(1, maxQueued: 100, time);
        var granted = new List<string>();
        Assert.True(await budget.WaitAsync(CallOrder.Unmarked, CancellationToken.None)); // the burst: now the bucket is empty

        var waits = new List<Task>();
        for (var i = 0; i < 3; i++)
        {
            waits.Add(Record(budget, new CallOrder(CallPriority.Bulk, "import"), $"bulk {i}", granted));
            waits.Add(Record(budget, new CallOrder(CallPriority.Normal, "signup"), $"normal {i}", granted));
        }
        await Settle();
        // The first bulk call holds the turn, waiting for the next token; the high call comes after it.
        waits.Add(Record(budget, new CallOrder(CallPriority.High, "stripe"), "high", granted));
        await Settle();

        await AdvanceUntilDone(time, waits);

        Assert.Equal(["high", "normal 0", "normal 1", "normal 2", "bulk 0", "bulk 1", "bulk 2"], granted);
    }

    /// <summary>
    /// What an instance says waits, for the split of the shared seats: a lone caller holds the turn at once and waits
    /// for the budget as its holder, so it counts (found in review: a paying customer's lone call weighed nothing).
    /// </summary>
    [Fact]
    public async Task WaitingOf_CountsTheHolder_AsWellAsTheLine()
    {
        var turns = new PriorityTurns();
        await turns.TakeAsync(new CallOrder(CallPriority.High, "stripe"), CancellationToken.None);
        var normal = turns.TakeAsync(new CallOrder(CallPriority.Normal, "signup"), CancellationToken.None).AsTask();

        var whileHighHolds = (High: turns.WaitingOf(CallPriority.High), Normal: turns.WaitingOf(CallPriority.Normal));
        turns.Release();
        await normal;
        var whileNormalHolds = (High: turns.WaitingOf(CallPriority.High), Normal: turns.WaitingOf(CallPriority.Normal));
        turns.Release();

        Assert.Equal((1, 1), whileHighHolds);
        Assert.Equal((0, 1), whileNormalHolds);
        Assert.Equal(0, turns.WaitingOf(CallPriority.Normal));
        Assert.Equal(0, turns.WaitingOf(CallPriority.Bulk));
    }

    [Fact]
    public async Task ACallerCancelledWhileWaiting_LeavesTheLine_AndTheOthersStillGo()
    {
        var time = new FakeTimeProvider();
        var budget = new PacedBudget(1, maxQueued: 100, time);
        var granted = new List<string>();
        Assert.True(await budget.WaitAsync(CallOrder.Unmarked, CancellationToken.None));
        using var stop = new CancellationTokenSource();

        var first = Record(budget, new CallOrder(CallPriority.Normal, "a"), "first", granted);
        var cancelled = budget.WaitAsync(new CallOrder(CallPriority.High, "b"), stop.Token).AsTask();
        var last = Record(budget, new CallOrder(CallPriority.Normal, "c"), "last", granted);
        await Settle();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        await AdvanceUntilDone(time, [first, last]);
        Assert.Equal(["first", "last"], granted);
    }

    [Fact]
    public async Task TurnsGivenAsACallerGivesUp_ArePassedOn_NeverLost()
    {
        // Cancel and release race on many threads: however they interleave, the turn always comes free again.
        var turns = new PriorityTurns();
        for (var round = 0; round < 200; round++)
        {
            await turns.TakeAsync(CallOrder.Unmarked, CancellationToken.None);
            using var stop = new CancellationTokenSource();
            var waiter = turns.TakeAsync(new CallOrder(CallPriority.High, "x"), stop.Token).AsTask();
            var cancel = Task.Run(stop.Cancel);
            turns.Release();
            await cancel;
            try
            {
                await waiter;
                turns.Release(); // it got the turn before the cancellation: it gives it back
            }
            catch (OperationCanceledException)
            {
                // it gave up; any turn it was given was passed on
            }
            var again = turns.TakeAsync(CallOrder.Unmarked, CancellationToken.None).AsTask();
            Assert.True(await Task.WhenAny(again, Task.Delay(TimeSpan.FromSeconds(5))) == again, $"round {round}: the turn was lost");
            turns.Release();
        }
        Assert.Equal(0, turns.Waiting);
    }

    /// <summary>
    /// A holder overtaken and then cancelled while it waits to have the turn back does not hold it: the caller that
    /// overtook it keeps it alone (a pacer that released the turn after such a cancellation gave it to a second holder).
    /// </summary>
    [Fact]
    public async Task AnOvertakenHolderCancelledWhileWaitingForTheTurnBack_HoldsNothing_AndTheTurnStaysWithOne()
    {
        var turns = new PriorityTurns();
        var normal = new CallOrder(CallPriority.Normal, "a");
        var high = new CallOrder(CallPriority.High, "b");
        await turns.TakeAsync(normal, CancellationToken.None);
        var highTake = turns.TakeAsync(high, CancellationToken.None).AsTask();
        using var stop = new CancellationTokenSource();

        var overtaken = turns.OvertakenAsync(normal, stop.Token).AsTask();
        await highTake; // the high caller holds it now
        var later = turns.TakeAsync(new CallOrder(CallPriority.Normal, "c"), CancellationToken.None).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => overtaken);
        await Task.Delay(50);
        Assert.False(later.IsCompleted, "a second caller was given the turn while the high caller held it");
        turns.Release(); // the high caller is done
        await later.WaitAsync(TimeSpan.FromSeconds(5));
        turns.Release();
        Assert.Equal(0, turns.Waiting);
    }

    private static async Task Record(PacedBudget budget, CallOrder order, string name, List<string> granted)
    {
        Assert.True(await budget.WaitAsync(order, CancellationToken.None));
        lock (granted)
        {
            granted.Add(name);
        }
    }

    /// <summary>A second at a time until every wait is over (a slow machine may need more seconds, never another order).</summary>
    private static async Task AdvanceUntilDone(FakeTimeProvider time, List<Task> waits)
    {
        for (var second = 0; second < 60 && waits.Any(wait => !wait.IsCompleted); second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Settle();
        }
        await Task.WhenAll(waits);
    }

    /// <summary>Lets continuations released by the fake clock run (they are scheduled asynchronously).</summary>
    private static async Task Settle()
    {
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(5);
        }
    }
}
