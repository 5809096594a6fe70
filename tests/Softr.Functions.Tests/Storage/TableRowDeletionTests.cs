using Azure;
using Azure.Data.Tables;
using Softr.Functions.Storage;
using Softr.Functions.Tests.Simulation;

namespace Softr.Functions.Tests.Storage;

/// <summary>
/// The shared "delete these rows" of the retention sweep, the erasure and the activity sweep, over the simulation's
/// in-memory table (Table storage's rules: a transaction is one partition's, at most 100 actions, all or nothing).
/// </summary>
public sealed class TableRowDeletionTests
{
    [Fact]
    public async Task RowsOfSeveralPartitions_AndMoreThanOneTransactionOfThem_AreAllDeleted()
    {
        var (table, _) = NewTable();
        var rows = await AddRowsAsync(table, ("a", 230), ("b", 7));

        await TableRowDeletion.DeleteAsync(table, rows, default);

        Assert.Empty(await KeysAsync(table));
    }

    [Fact]
    public async Task RowsAnotherFlowDeletedFirst_AreNoFailure_AndTheRestOfTheirTransactionGoes()
    {
        var (table, _) = NewTable();
        var rows = await AddRowsAsync(table, ("a", 150));
        // Gone before the delete: one in the first transaction of 100, one in the second.
        await table.DeleteEntityAsync("a", rows[3].RowKey, ETag.All);
        await table.DeleteEntityAsync("a", rows[120].RowKey, ETag.All);

        await TableRowDeletion.DeleteAsync(table, rows, default);

        Assert.Empty(await KeysAsync(table));
    }

    [Fact]
    public async Task StorageTrouble_IsNotTakenForRowsAlreadyGone()
    {
        var (table, storage) = NewTable();
        var rows = await AddRowsAsync(table, ("a", 3));
        storage.RefuseFor = _ => true;

        var busy = await Assert.ThrowsAsync<RequestFailedException>(() => TableRowDeletion.DeleteAsync(table, rows, default));

        Assert.Equal(503, busy.Status);
        storage.RefuseFor = null;
        Assert.Equal(3, (await KeysAsync(table)).Count);
    }

    [Fact]
    public async Task APartition_IsEmptiedButForTheRowToKeep()
    {
        var (table, _) = NewTable();
        await AddRowsAsync(table, ("event-1", 5), ("event-2", 2));
        await table.UpsertEntityAsync(new TableEntity("event-1", "summary"));

        await TableRowDeletion.DeletePartitionAsync(table, "event-1", keep: "summary", default);

        Assert.Equal(["event-1/summary", "event-2/r0000", "event-2/r0001"], await KeysAsync(table));
    }

    private static (TableClient Table, SimStorage Storage) NewTable()
    {
        var clock = new SimClock(DateTimeOffset.UnixEpoch);
        var storage = new SimStorage(new SimScheduler(new Random(1), clock), clock, new Random(1));
        return (new SimTables(storage).GetTableClient("rows"), storage);
    }

    private static async Task<List<TableEntity>> AddRowsAsync(TableClient table, params (string Partition, int Count)[] partitions)
    {
        var rows = new List<TableEntity>();
        foreach (var (partition, count) in partitions)
        {
            for (var i = 0; i < count; i++)
            {
                var row = new TableEntity(partition, $"r{i:D4}");
                await table.AddEntityAsync(row);
                rows.Add(row);
            }
        }
        return rows;
    }

    private static async Task<List<string>> KeysAsync(TableClient table)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            keys.Add($"{row.PartitionKey}/{row.RowKey}");
        }
        return keys;
    }
}
