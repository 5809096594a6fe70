using System.Text.Json.Nodes;
using Softr.Database;
using Softr.Functions.Tests.Sandbox;

namespace Softr.Functions.Tests.Client;

/// <summary>The Database client against the sandbox's seed (db_portal: Customers with 4 records, Orders with 2).</summary>
public sealed class SoftrDatabaseClientTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private const string Db = "db_portal";
    private const string Customers = "tbl_customers";

    private readonly SoftrDatabaseClient _client = new SandboxClients(sandbox).Database;

    [Fact]
    public async Task ListDatabasesAndTables_ReturnTheSeed()
    {
        var databases = await _client.ListDatabasesAsync();
        var tables = await _client.ListTablesAsync(Db);

        Assert.Contains(databases, database => database.Id == Db && database.Name == "Client portal");
        Assert.Equal(["Customers", "Orders"], tables.Select(table => table.Name));
    }

    [Fact]
    public async Task GetTable_GivesFieldsThatResolveNamesToIds()
    {
        var table = await _client.GetTableAsync(Db, Customers);

        Assert.Equal("fEmail", table.PrimaryFieldId);
        Assert.Equal("fSeats", table.ResolveFieldId("seats"));
        Assert.Equal("fSeats", table.ResolveFieldId("fSeats"));
        Assert.Null(table.ResolveFieldId("Nope"));
        Assert.True(table.Fields.Single(field => field.Id == "fCreated").ReadOnly);
        Assert.Equal(3, table.Fields.Single(field => field.Id == "fPlan").Options!.Value.GetProperty("choices").GetArrayLength());
    }

    [Fact]
    public async Task ListRecords_PagesWithSoftrsMetadata()
    {
        var first = await _client.ListRecordsAsync(Db, "tbl_orders", offset: 0, limit: 1);
        var second = await _client.ListRecordsAsync(Db, "tbl_orders", offset: 1, limit: 1);

        Assert.Equal((0, 1, 2, true), (first.Offset, first.Limit, first.Total, first.HasMore));
        Assert.Equal((1, 1, 2, false), (second.Offset, second.Limit, second.Total, second.HasMore));
        Assert.NotEqual(first.Records[0].Id, second.Records[0].Id);
    }

    [Fact]
    public async Task ListAllRecords_EnumeratesEveryPage()
    {
        var ids = new List<string>();
        await foreach (var record in _client.ListAllRecordsAsync(Db, "tbl_orders"))
        {
            ids.Add(record.Id);
        }

        Assert.Equal(["recOrder0000001", "recOrder0000002"], ids);
    }

    [Fact]
    public async Task ListRecords_WithFieldNames_KeysFieldsByNameAndReadsSelectsAsLabels()
    {
        var page = await _client.ListRecordsAsync(Db, Customers, fieldNames: true);
        var ada = page.Records.Single(record => record.Id == "recAda0000000001");

        Assert.Equal("ada@example.com", ada.Fields["Email"].GetString());
        Assert.Equal("Pro", ada.Fields["Plan"].GetProperty("label").GetString());
        Assert.Equal(2, ada.Fields["Tags"].GetArrayLength());
    }

    [Fact]
    public async Task CreateGetUpdateDelete_RoundTrip()
    {
        var created = await _client.CreateRecordAsync(Db, "tbl_orders", new Dictionary<string, JsonNode?>
        {
            ["oNumber"] = "2001",
            ["oAmount"] = 10.5,
            ["oStatus"] = "chPaid",
        });
        var updated = await _client.UpdateRecordAsync(Db, "tbl_orders", created.Id, new Dictionary<string, JsonNode?> { ["Amount"] = 12 }, fieldNames: true);
        var fetched = await _client.GetRecordAsync(Db, "tbl_orders", created.Id);
        var deleted = await _client.DeleteRecordAsync(Db, "tbl_orders", created.Id);
        var deletedAgain = await _client.DeleteRecordAsync(Db, "tbl_orders", created.Id);
        var gone = await _client.GetRecordAsync(Db, "tbl_orders", created.Id);

        Assert.Equal("tbl_orders", created.TableId);
        Assert.Equal(12, updated.Fields["Amount"].GetDouble());
        Assert.Equal("2001", fetched!.Fields["oNumber"].GetString());
        Assert.Equal("chPaid", fetched.Fields["oStatus"].GetProperty("id").GetString());
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Null(gone);
    }

    [Theory]
    [InlineData("fSeats", "\"many\"", "takes a number")]
    [InlineData("fCreated", "\"2026-01-01\"", "read-only")]
    [InlineData("fPlan", "\"chGold\"", "no choice")]
    [InlineData("fNope", "1", "does not exist")]
    [InlineData("Seats", "1", "does not exist")]
    public async Task CreateRecord_WithAnInvalidField_ThrowsValidationError(string field, string value, string message)
    {
        var fields = new Dictionary<string, JsonNode?> { ["fEmail"] = "x@example.com", [field] = JsonNode.Parse(value) };

        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => _client.CreateRecordAsync(Db, Customers, fields));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Equal("VALIDATION_ERROR", exception.ErrorCode);
        Assert.Contains(message, exception.SoftrMessage, StringComparison.Ordinal);
        Assert.False(exception.IsTransient);
    }

    [Fact]
    public async Task CreateRecord_WithoutARequiredField_ThrowsValidationError()
    {
        var exception = await Assert.ThrowsAsync<SoftrApiException>(() =>
            _client.CreateRecordAsync(Db, Customers, new Dictionary<string, JsonNode?> { ["fName"] = "No Email" }));

        Assert.Contains("required", exception.SoftrMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTable_ThrowsNotFound()
    {
        var exception = await Assert.ThrowsAsync<SoftrApiException>(() => _client.GetTableAsync(Db, "tbl_nope"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, exception.StatusCode);
        Assert.Equal("NOT_FOUND", exception.ErrorCode);
    }

    [Fact]
    public async Task SearchAll_PagesThroughMatchesInSortOrder()
    {
        var search = new RecordSearch
        {
            Filter = SearchFilter.IsNotEmpty("fEmail"),
            Sorting = [new SearchSort("fSince", SearchSort.Descending)],
        };

        var emails = new List<string?>();
        await foreach (var record in _client.SearchAllRecordsAsync(Db, Customers, search))
        {
            emails.Add(record.Fields["fEmail"].GetString());
        }

        // Customer since: Alan 2026-01-20, Katherine 2025-09-09, Ada 2025-03-01, Grace 2024-11-15.
        Assert.Equal(["alan@example.com", "katherine@example.com", "ada@example.com", "grace@example.com"], emails);
    }
}
