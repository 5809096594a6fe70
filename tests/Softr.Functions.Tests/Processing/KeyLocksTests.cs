using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Tests.Simulation;

namespace Softr.Functions.Tests.Processing;

/// <summary>
/// The upsert's key lock (issue #13, item 3), in the simulated world: Table storage's rules in memory, one
/// virtual clock that moves only when every flow waits, so a lease of 15 s and a wait of 30 s are played out
/// exactly, not raced against a real clock (issue #24, item 8). One holder at a time; a released lock taken at
/// once; a dead holder's lock taken over once its lease ends; a live holder, renewing, outwaited only up to the
/// limit, as a transient failure.
/// </summary>
public sealed class KeyLocksTests
{
    private const string Key = "db_portal|tbl_leads|EMAIL|ada@example.com";

    [Fact]
    public void AReleasedLock_IsTakenAtOnce_AndTheKeyValueIsNotStored()
    {
        using var world = new SimWorld(new SimPlan(21, 1, SimRates.None, []));
        List<TableEntity> whileHeld = [], afterRelease = [];
        TimeSpan waited = default;

        world.Script(async services =>
        {
            var locks = services.GetRequiredService<KeyLocks>();
            var table = services.GetRequiredService<TableServiceClient>().GetTableClient(TableNames.KeyLocks);
            await (await locks.AcquireAsync(Key, CancellationToken.None)).DisposeAsync();
            var before = world.Now;
            var again = await locks.AcquireAsync(Key, CancellationToken.None);
            waited = world.Now - before;
            whileHeld = await table.QueryAsync<TableEntity>().ToListAsync();
            await again.DisposeAsync();
            afterRelease = await table.QueryAsync<TableEntity>().ToListAsync();
        });

        Assert.Equal(TimeSpan.Zero, waited);
        var row = Assert.Single(whileHeld);
        Assert.DoesNotContain("ada@example.com", row.PartitionKey, StringComparison.Ordinal);
        Assert.DoesNotContain(row, column => column.Value?.ToString()?.Contains("ada", StringComparison.Ordinal) == true);
        Assert.Empty(afterRelease);
    }

    [Fact]
    public void ADeadHoldersLock_IsTakenOverOnceItsLeaseEnds_AndNotBefore()
    {
        using var world = new SimWorld(new SimPlan(22, 1, SimRates.None, []));
        DateTimeOffset acquired = default, taken = default;

        world.Script(async services =>
        {
            var locks = services.GetRequiredService<KeyLocks>();
            var holding = false;
            // The holder's lock renews in the holder's flow, after its body has returned.
            var holder = world.Spawn("holder", async () =>
            {
                _ = await locks.AcquireAsync(Key, CancellationToken.None);
                (acquired, holding) = (world.Now, true);
            });
            while (!holding)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), services.GetRequiredService<TimeProvider>());
            }
            // The holder's process dies: it never renews again.
            world.Kill(holder);
            await using var lease = await locks.AcquireAsync(Key, CancellationToken.None);
            taken = world.Now;
        });

        Assert.InRange(taken - acquired, KeyLocks.Lease, KeyLocks.MaxWait);
    }

    [Fact]
    public void ALiveHolder_KeepsTheKey_AndATakerGivesUpAtTheLimit_Transiently()
    {
        using var world = new SimWorld(new SimPlan(23, 1, SimRates.None, []));
        Exception? failure = null;
        TimeSpan waited = default;

        world.Script(async services =>
        {
            var locks = services.GetRequiredService<KeyLocks>();
            await using var held = await locks.AcquireAsync(Key, CancellationToken.None);
            var before = world.Now;
            // Past the lease twice over: the holder renews every third of it, so the key stays its.
            failure = await Record.ExceptionAsync(() => locks.AcquireAsync(Key, CancellationToken.None));
            waited = world.Now - before;
        });

        Assert.IsType<KeyBusyException>(failure);
        Assert.Equal(FailureKind.Transient, Failure.Classify(failure, action: null)!.Kind);
        Assert.InRange(waited, KeyLocks.MaxWait, KeyLocks.MaxWait + KeyLocks.Lease);
    }
}
