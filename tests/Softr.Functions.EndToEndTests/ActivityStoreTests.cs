using Azure.Data.Tables;
using Softr.Functions.Operations;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>The console's activity rows against Azurite: every process's minutes summed, a window honoured, old days removed.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ActivityStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private Azurite? _azurite;
    private ActivityStore _store = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _store = new ActivityStore(new TableServiceClient(_azurite.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoProcessesCountsForOneMinute_AreSummed_AndARewriteReplacesRatherThanAdds()
    {
        await _store.WriteAsync("a", [Minute(Noon, "signup", ActivityCounters.Accepted, 3)], CancellationToken.None);
        await _store.WriteAsync("b", [Minute(Noon, "signup", ActivityCounters.Accepted, 2), Minute(Noon.AddMinutes(1), "signup", ActivityCounters.Accepted, 1)], CancellationToken.None);
        await _store.WriteAsync("a", [Minute(Noon, "signup", ActivityCounters.Accepted, 4)], CancellationToken.None); // a's minute grew: written whole again

        var read = await _store.ReadAsync(Noon, Noon.AddMinutes(2), CancellationToken.None);
        var outside = await _store.ReadAsync(Noon.AddMinutes(2), Noon.AddMinutes(10), CancellationToken.None);

        Assert.Equal([6L, 1L], read.Select(minute => minute.Counts["signup"][ActivityCounters.Accepted]));
        Assert.Empty(outside);
    }

    [Fact]
    public async Task AWindowAcrossMidnight_ReadsBothDays_AndRetentionRemovesOnlyWholeDaysBeforeTheCutoff()
    {
        var lateEvening = new DateTimeOffset(2026, 11, 29, 23, 59, 0, TimeSpan.Zero);
        await _store.WriteAsync("a", [Minute(lateEvening.AddDays(-3), "x", ActivityCounters.Received, 9)], CancellationToken.None);
        await _store.WriteAsync("a", [Minute(lateEvening, "x", ActivityCounters.Received, 1), Minute(lateEvening.AddMinutes(1), "x", ActivityCounters.Received, 2)], CancellationToken.None);

        var acrossMidnight = await _store.ReadAsync(lateEvening, lateEvening.AddMinutes(2), CancellationToken.None);
        var removed = await _store.RemoveOlderThanAsync(lateEvening.AddDays(-1), CancellationToken.None);
        var kept = await _store.ReadAsync(lateEvening.AddDays(-4), lateEvening.AddDays(1), CancellationToken.None);

        Assert.Equal([1L, 2L], acrossMidnight.Select(minute => minute.Counts["x"][ActivityCounters.Received]));
        Assert.Equal(1, removed);
        Assert.Equal(2, kept.Count);
    }

    private static ActivityMinute Minute(DateTimeOffset at, string hook, string counter, long value) =>
        new(at, new Dictionary<string, IReadOnlyDictionary<string, long>> { [hook] = new Dictionary<string, long> { [counter] = value } });
}
