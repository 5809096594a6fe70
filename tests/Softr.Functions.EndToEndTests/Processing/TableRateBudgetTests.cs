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
/// The shared budget against Azurite: three instances (three budgets, each with its own local state,
/// one table) drawing on one token never get more than the rate between them.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TableRateBudgetTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task ThreeInstancesSharingOneToken_StayWithinTheRateTogether()
    {
        const int perSecond = 40;
        var key = new SoftrBudgetKey("0123456789ABCDEF", SoftrCallKind.Read);
        var tables = new TableServiceClient(_azurite.ConnectionString);
        var instances = Enumerable.Range(0, 3).Select(_ => new TableRateBudget(tables, Options.Create(new ProcessingOptions()), TimeProvider.System, NullLogger<TableRateBudget>.Instance)).ToList();
        var grants = new ConcurrentBag<DateTimeOffset>();
        var run = TimeSpan.FromSeconds(4);
        var stop = DateTimeOffset.UtcNow + run;

        // Eight callers per instance, each taking a token after another until the time is up.
        await Task.WhenAll(instances.SelectMany(instance => Enumerable.Range(0, 8).Select(async _ =>
        {
            while (DateTimeOffset.UtcNow < stop)
            {
                Assert.True(await instance.AcquireAsync(key, perSecond, CancellationToken.None));
                grants.Add(DateTimeOffset.UtcNow);
            }
        })));

        // The seats are split: every instance holds some, and no more than ten are held in all.
        var held = instances.Select(instance => instance.SeatsHeld(key)).ToList();
        Assert.All(held, seats => Assert.InRange(seats, 1, 10));
        Assert.InRange(held.Sum(), 1, 10);
        // In any one-second window: at most the rate, plus each instance's pacing burst (a tenth of its rate, at least one).
        var times = grants.Order().ToList();
        var busiestSecond = times.Select((start, index) => times.Skip(index).TakeWhile(time => time - start < TimeSpan.FromSeconds(1)).Count()).Max();
        Assert.InRange(busiestSecond, 1, perSecond + 3);
        // And the budget is used, not starved (lenient: the first second goes on seating the instances).
        Assert.InRange(times.Count, (int)(perSecond * run.TotalSeconds * 0.5), (int)(perSecond * (run.TotalSeconds + 1)));
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
    }
}
