using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Softr.Functions.Processing;
using Softr.Functions.SharedBudget;
using Softr.Functions.Testing;
using Softr.Http;
using Softr.Resilience;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// The shared budget against Azurite: three instances (three budgets, each with its own local state, one
/// table) drawing on one token split its seats between them, and each is granted calls. That together they
/// never go over the rate is shown on virtual time, where a busy machine cannot bend it: no seat held by two
/// (<c>SharedBudgetSimulationTests</c>), and each instance paced at its seats' rate (<c>SeatPacingTests</c>).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TableRateBudgetTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task ThreeInstancesSharingOneToken_SplitItsSeats_AndEachIsGrantedCalls()
    {
        const int perSecond = 40;
        var key = new SoftrBudgetKey("0123456789ABCDEF", SoftrCallKind.Read);
        var tables = new TableServiceClient(_azurite.ConnectionString);
        var instances = Enumerable.Range(0, 3).Select(_ => new TableRateBudget(tables, Options.Create(new ProcessingOptions()), TimeProvider.System, NullLogger<TableRateBudget>.Instance)).ToList();
        var grants = new ConcurrentDictionary<TableRateBudget, int>();
        var run = TimeSpan.FromSeconds(4);
        var stop = DateTimeOffset.UtcNow + run;

        // Eight callers per instance, each taking a token after another until the time is up.
        await Task.WhenAll(instances.SelectMany(instance => Enumerable.Range(0, 8).Select(async _ =>
        {
            while (DateTimeOffset.UtcNow < stop)
            {
                Assert.True(await instance.AcquireAsync(key, perSecond, CallOrder.Unmarked, CancellationToken.None));
                grants.AddOrUpdate(instance, 1, (_, count) => count + 1);
            }
        })));

        // The seats are split: every instance holds some, and no more than ten are held in all.
        var held = instances.Select(instance => instance.SeatsHeld(key)).ToList();
        Assert.All(held, seats => Assert.InRange(seats, 1, 10));
        Assert.InRange(held.Sum(), 1, 10);
        // And every instance was granted calls: none starved.
        Assert.All(instances, instance => Assert.True(grants.GetValueOrDefault(instance) > 0, "an instance was granted no call"));
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
    }

    /// <summary>
    /// Issue #26: a budget is a token's. Two instances flooding portal A's token split its seats between them; a third
    /// instance calling on portal B's token holds all of B's seats, none taken by A's flood, and is granted calls.
    /// </summary>
    [Fact]
    public async Task AFloodOnOneToken_TakesNoSeatOfAnother()
    {
        const int perSecond = 30;
        var portalA = new SoftrBudgetKey("AAAAAAAAAAAAAAAA", SoftrCallKind.Write);
        var portalB = new SoftrBudgetKey("BBBBBBBBBBBBBBBB", SoftrCallKind.Write);
        var tables = new TableServiceClient(_azurite.ConnectionString);
        var options = new ProcessingOptions();
        var instances = Enumerable.Range(0, 3).Select(_ => new TableRateBudget(tables, Options.Create(options), TimeProvider.System, NullLogger<TableRateBudget>.Instance)).ToList();
        var (floodingA, onB) = (instances.Take(2).ToList(), instances[2]);
        var grantedOnB = 0;
        using var stop = new CancellationTokenSource();

        var callers = floodingA.SelectMany(instance => Enumerable.Range(0, 8).Select(_ => CallUntilStoppedAsync(instance, portalA, () => { })))
            .Concat(Enumerable.Range(0, 2).Select(_ => CallUntilStoppedAsync(onB, portalB, () => Interlocked.Increment(ref grantedOnB))))
            .ToList();
        // Seats are claimed and split over a few of the budgets' ticks: wait for the split to settle, or give up.
        var settled = await SystemUnderTest.EventuallyAsync(() => Task.FromResult(
            onB.SeatsHeld(portalB) == options.BudgetSeats && floodingA.All(instance => instance.SeatsHeld(portalA) >= 1) && Volatile.Read(ref grantedOnB) > 0),
            TimeSpan.FromSeconds(30));
        var (seatsOfA, seatsOfB) = (floodingA.Select(instance => instance.SeatsHeld(portalA)).ToList(), onB.SeatsHeld(portalB));
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.True(settled, $"not settled in 30 s: portal B's only instance holds {seatsOfB} of its token's {options.BudgetSeats} seats and was granted {grantedOnB} calls; A's instances hold {string.Join(" and ", seatsOfA)}");
        // B's token is B's alone: all its seats are with its one caller, while A's flood splits A's seats, never more than A has.
        Assert.Equal(options.BudgetSeats, seatsOfB);
        Assert.InRange(seatsOfA.Sum(), 2, options.BudgetSeats);
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        async Task CallUntilStoppedAsync(TableRateBudget instance, SoftrBudgetKey key, Action granted)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (await instance.AcquireAsync(key, perSecond, CallOrder.Unmarked, stop.Token))
                    {
                        granted();
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
