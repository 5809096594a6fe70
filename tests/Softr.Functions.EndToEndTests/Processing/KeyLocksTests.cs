using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Processing;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// The upsert's key lock against Azurite, on fake clocks (issue #13, item 3): one holder at a time, a
/// released lock taken at once, a dead holder's lock taken over once its lease ends, and a live holder
/// (renewing) outwaited only up to the limit, as a transient failure.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KeyLocksTests : IAsyncLifetime
{
    private const string Key = "db_portal|tbl_leads|EMAIL|ada@example.com";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task AReleasedLock_IsTakenAtOnce_AndTheKeyValueIsNotStored()
    {
        var time = new FakeTimeProvider(Now);
        var locks = Locks(time);

        await (await locks.AcquireAsync(Key, CancellationToken.None)).DisposeAsync();
        var again = await locks.AcquireAsync(Key, CancellationToken.None);
        var rows = await new TableClient(_azurite.ConnectionString, "keylocks").QueryAsync<TableEntity>().ToListAsync();
        await again.DisposeAsync();

        var row = Assert.Single(rows);
        Assert.DoesNotContain("ada@example.com", row.PartitionKey, StringComparison.Ordinal);
        Assert.DoesNotContain(row, column => column.Value?.ToString()?.Contains("ada", StringComparison.Ordinal) == true);
        Assert.Empty(await new TableClient(_azurite.ConnectionString, "keylocks").QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task ADeadHoldersLock_IsTakenOverOnceItsLeaseEnds()
    {
        // The holder's clock never moves, so it never renews: as a process killed while holding the key.
        var deadClock = new FakeTimeProvider(Now);
        var takerClock = new FakeTimeProvider(Now + KeyLocksLease + TimeSpan.FromSeconds(1));
        _ = await Locks(deadClock).AcquireAsync(Key, CancellationToken.None);

        await using var taken = await Locks(takerClock).AcquireAsync(Key, CancellationToken.None);

        Assert.NotNull(taken);
    }

    [Fact]
    public async Task ALiveHolder_KeepsTheKey_AndATakerGivesUpAtTheLimit_Transiently()
    {
        var time = new FakeTimeProvider(Now);
        await using var held = await Locks(time).AcquireAsync(Key, CancellationToken.None);

        var taking = Locks(time).AcquireAsync(Key, CancellationToken.None);
        // Past the lease twice over: the holder renews every third of it, so the key stays its.
        for (var step = 0; step < 400 && !taking.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }

        var failure = await Record.ExceptionAsync(() => taking);
        Assert.IsType<KeyBusyException>(failure);
        Assert.Equal(FailureKind.Transient, Failure.Classify(failure, action: null)!.Kind);
    }

    private static readonly TimeSpan KeyLocksLease = TimeSpan.FromSeconds(15);

    private KeyLocks Locks(TimeProvider time) => new(new TableServiceClient(_azurite.ConnectionString), time, Random.Shared, NullLogger<KeyLocks>.Instance);
}
