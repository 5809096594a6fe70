using Azure;
using Azure.Data.Tables;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// scripts/azurite-table-index.js, the table service's lookups by key, in the mode every end-to-end test runs it in
/// (verify: each answer is checked against LokiJS's own, and Azurite stops on a difference). Here on what our rows look
/// like to it: row keys shared by every partition, keys LokiJS's index takes as equal ("1" and "01"), rows rewritten,
/// merged and deleted, queries led by a key and not.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AzuriteTableIndexTests : IAsyncLifetime
{
    private Azurite? _azurite;
    private TableClient _table = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _table = new TableServiceClient(_azurite.ConnectionString).GetTableClient("indexcheck");
        await _table.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync(); // throws when the check stopped Azurite
        }
    }

    [Fact]
    public async Task LookupsByKey_AnswerAsAzuriteDoes_OverSharedAndLooselyEqualKeys()
    {
        Assert.Contains("azurite-table-index: table lookups by key, every answer checked", _azurite!.Output, StringComparison.Ordinal);
        string[] partitions = ["evt-1", "evt-2", "1", "01", "evt-3"];
        string[] rows = ["summary", "s|shop|user", "1", "01"];
        foreach (var partition in partitions)
        {
            foreach (var row in rows)
            {
                await _table.AddEntityAsync(new TableEntity(partition, row) { ["Value"] = $"{partition}/{row}" });
            }
        }

        // Point reads, each the one row with both keys strictly equal.
        foreach (var partition in partitions)
        {
            foreach (var row in rows)
            {
                Assert.Equal($"{partition}/{row}", (await _table.GetEntityAsync<TableEntity>(partition, row)).Value.GetString("Value"));
            }
        }
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>("evt-9", "summary")).HasValue);
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>("evt-1", "001")).HasValue);

        // Writes through point lookups: a replace, a merge, a conditional update that must fail, a delete.
        await _table.UpdateEntityAsync(new TableEntity("01", "1") { ["Value"] = "replaced" }, ETag.All, TableUpdateMode.Replace);
        await _table.UpdateEntityAsync(new TableEntity("evt-2", "summary") { ["Extra"] = 7 }, ETag.All, TableUpdateMode.Merge);
        var stale = (await _table.GetEntityAsync<TableEntity>("evt-3", "01")).Value.ETag;
        await _table.UpdateEntityAsync(new TableEntity("evt-3", "01") { ["Value"] = "first" }, stale, TableUpdateMode.Replace);
        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => _table.UpdateEntityAsync(new TableEntity("evt-3", "01") { ["Value"] = "second" }, stale));
        Assert.Equal(412, conflict.Status);
        await _table.DeleteEntityAsync("1", "01");
        Assert.Equal("replaced", (await _table.GetEntityAsync<TableEntity>("01", "1")).Value.GetString("Value"));
        Assert.Equal("1/1", (await _table.GetEntityAsync<TableEntity>("1", "1")).Value.GetString("Value"));
        Assert.Equal(7, (await _table.GetEntityAsync<TableEntity>("evt-2", "summary")).Value.GetInt32("Extra"));
        Assert.Equal("first", (await _table.GetEntityAsync<TableEntity>("evt-3", "01")).Value.GetString("Value"));
        Assert.False((await _table.GetEntityIfExistsAsync<TableEntity>("1", "01")).HasValue);

        // Queries led by a key (the shortcut), and not (the full scan), in Table storage's order.
        Assert.Equal(["1/1", "1/summary", "1/s|shop|user"], await ValuesAsync("PartitionKey eq '1'")); // ordinal: 'u' < '|'

        Assert.Equal(["evt-1/summary", "evt-1/s|shop|user"],
            await ValuesAsync("PartitionKey eq 'evt-1' and (RowKey eq 'summary' or (RowKey ge 's|' and RowKey lt 's}'))"));
        Assert.Equal(["01/summary", "1/summary", "evt-1/summary", "evt-2/summary", "evt-3/summary"], await ValuesAsync("RowKey eq 'summary'"));
        Assert.Equal(["evt-1/1", "evt-2/1"], await ValuesAsync("(PartitionKey eq 'evt-1' or PartitionKey eq 'evt-2') and RowKey eq '1'"));
        Assert.Equal(["evt-2/summary"], await ValuesAsync("'evt-2' eq PartitionKey and RowKey eq 'summary'"));
        Assert.Equal(["evt-1/01", "evt-1/1"], await ValuesAsync("not (RowKey eq 'summary') and PartitionKey eq 'evt-1' and RowKey lt 's'"));

        // A key-led query read two rows a page: the continuation goes on where the last page stopped.
        var paged = new List<string>();
        await foreach (var page in _table.QueryAsync<TableEntity>("RowKey eq 'summary'", maxPerPage: 2).AsPages())
        {
            Assert.True(page.Values.Count <= 2);
            paged.AddRange(page.Values.Select(row => $"{row.PartitionKey}/{row.RowKey}"));
        }
        Assert.Equal(["01/summary", "1/summary", "evt-1/summary", "evt-2/summary", "evt-3/summary"], paged);
        Assert.False(_azurite.HasExited, "Azurite stopped: a lookup differed from LokiJS's own\n" + _azurite.Output);
        // The fast path was taken, and checked, for both kinds: verify mode says so once each.
        Assert.Contains("azurite-table-index: first point lookup by key checked", _azurite.Output, StringComparison.Ordinal);
        Assert.Contains("azurite-table-index: first query by key checked", _azurite.Output, StringComparison.Ordinal);
    }

    private async Task<List<string>> ValuesAsync(string filter)
    {
        var values = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter))
        {
            values.Add($"{row.PartitionKey}/{row.RowKey}");
        }
        return values;
    }
}
