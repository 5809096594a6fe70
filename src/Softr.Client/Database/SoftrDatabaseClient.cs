using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Softr.Http;

namespace Softr.Database;

/// <summary>
/// Typed client for the Database API. Rate limiting, retries and timeouts are declared where the
/// client is registered (<see cref="SoftrServiceCollectionExtensions"/>).
/// </summary>
public sealed class SoftrDatabaseClient(HttpClient httpClient, SoftrConnection connection) : ISoftrDatabaseClient
{
    /// <summary>The largest page Softr serves.</summary>
    public const int MaxPageSize = 200;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SoftrDatabase>> ListDatabasesAsync(CancellationToken cancellationToken = default)
    {
        var envelope = await GetAsync("databases", SoftrOperation.ListDatabases, SoftrJsonContext.Default.ListEnvelopeSoftrDatabase, cancellationToken)
            .ConfigureAwait(false);
        return envelope.Data;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SoftrTable>> ListTablesAsync(string databaseId, CancellationToken cancellationToken = default)
    {
        var envelope = await GetAsync($"databases/{Segment(databaseId)}/tables", SoftrOperation.ListTables,
            SoftrJsonContext.Default.ListEnvelopeSoftrTable, cancellationToken).ConfigureAwait(false);
        return envelope.Data;
    }

    /// <inheritdoc />
    public async Task<SoftrTable> GetTableAsync(string databaseId, string tableId, CancellationToken cancellationToken = default)
    {
        var envelope = await GetAsync($"databases/{Segment(databaseId)}/tables/{Segment(tableId)}", SoftrOperation.GetTable,
            SoftrJsonContext.Default.DataEnvelopeSoftrTable, cancellationToken).ConfigureAwait(false);
        return envelope.Data;
    }

    /// <inheritdoc />
    public async Task<RecordPage> ListRecordsAsync(string databaseId, string tableId, int offset = 0, int limit = MaxPageSize,
        bool fieldNames = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        var path = $"{RecordsPath(databaseId, tableId)}?offset={offset}&limit={limit}{FieldNamesQuery(fieldNames, "&")}";
        var envelope = await GetAsync(path, SoftrOperation.ListRecords, SoftrJsonContext.Default.ListEnvelopeSoftrRecord, cancellationToken)
            .ConfigureAwait(false);
        return ToPage(envelope, offset, limit);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SoftrRecord> ListAllRecordsAsync(string databaseId, string tableId, bool fieldNames = false,
        CancellationToken cancellationToken = default) =>
        AllPagesAsync((offset, token) => ListRecordsAsync(databaseId, tableId, offset, MaxPageSize, fieldNames, token), cancellationToken);

    /// <inheritdoc />
    public async Task<SoftrRecord?> GetRecordAsync(string databaseId, string tableId, string recordId, bool fieldNames = false,
        CancellationToken cancellationToken = default)
    {
        var operation = SoftrOperation.GetRecord;
        using var request = Request(HttpMethod.Get, $"{RecordPath(databaseId, tableId, recordId)}{FieldNamesQuery(fieldNames, "?")}", operation);
        using var response = await SoftrHttp.SendAsync(httpClient, request, operation, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var envelope = await SoftrHttp.ReadAsync(response, SoftrJsonContext.Default.DataEnvelopeSoftrRecord, operation, cancellationToken)
            .ConfigureAwait(false);
        return envelope.Data;
    }

    /// <inheritdoc />
    public Task<SoftrRecord> CreateRecordAsync(string databaseId, string tableId, IReadOnlyDictionary<string, JsonNode?> fields,
        bool fieldNames = false, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Post, $"{RecordsPath(databaseId, tableId)}{FieldNamesQuery(fieldNames, "?")}", fields,
            SoftrOperation.CreateRecord, cancellationToken);

    /// <inheritdoc />
    public Task<SoftrRecord> UpdateRecordAsync(string databaseId, string tableId, string recordId, IReadOnlyDictionary<string, JsonNode?> fields,
        bool fieldNames = false, CancellationToken cancellationToken = default) =>
        WriteAsync(HttpMethod.Patch, $"{RecordPath(databaseId, tableId, recordId)}{FieldNamesQuery(fieldNames, "?")}", fields,
            SoftrOperation.UpdateRecord, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteRecordAsync(string databaseId, string tableId, string recordId, CancellationToken cancellationToken = default)
    {
        var operation = SoftrOperation.DeleteRecord;
        using var request = Request(HttpMethod.Delete, RecordPath(databaseId, tableId, recordId), operation);
        using var response = await SoftrHttp.SendAsync(httpClient, request, operation, cancellationToken).ConfigureAwait(false);

        // A retried delete whose first attempt did succeed also lands here: the record is gone either way.
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await SoftrHttp.EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<RecordPage> SearchRecordsAsync(string databaseId, string tableId, RecordSearch search, bool fieldNames = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var paging = search.Paging ?? new SearchPaging(0, MaxPageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paging.Limit, MaxPageSize, nameof(search));

        var operation = SoftrOperation.SearchRecords;
        using var request = Request(HttpMethod.Post, $"{RecordsPath(databaseId, tableId)}/search{FieldNamesQuery(fieldNames, "?")}", operation,
            SoftrHttp.Json(search with { Paging = paging }, SoftrJsonContext.Default.RecordSearch));
        using var response = await SoftrHttp.SendAsync(httpClient, request, operation, cancellationToken).ConfigureAwait(false);
        var envelope = await SoftrHttp.ReadAsync(response, SoftrJsonContext.Default.ListEnvelopeSoftrRecord, operation, cancellationToken)
            .ConfigureAwait(false);
        return ToPage(envelope, paging.Offset, paging.Limit);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SoftrRecord> SearchAllRecordsAsync(string databaseId, string tableId, RecordSearch search, bool fieldNames = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        return AllPagesAsync(
            (offset, token) => SearchRecordsAsync(databaseId, tableId, search with { Paging = new SearchPaging(offset, MaxPageSize) }, fieldNames, token),
            cancellationToken);
    }

    /// <summary>
    /// Pages until Softr's rule says the end is reached (offset + count &gt;= total), or a page comes
    /// back empty, which ends the loop even if a total is wrong.
    /// </summary>
    private static async IAsyncEnumerable<SoftrRecord> AllPagesAsync(
        Func<int, CancellationToken, Task<RecordPage>> fetchPage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var offset = 0;
        while (true)
        {
            var page = await fetchPage(offset, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                yield return record;
            }
            if (!page.HasMore)
            {
                yield break;
            }
            offset += page.Records.Count;
        }
    }

    private static RecordPage ToPage(ListEnvelope<SoftrRecord> envelope, int offset, int limit) =>
        new(envelope.Data,
            envelope.Metadata?.Offset ?? offset,
            envelope.Metadata?.Limit ?? limit,
            // Without metadata the size of this page is all that is known to exist.
            envelope.Metadata?.Total ?? offset + envelope.Data.Count);

    private async Task<SoftrRecord> WriteAsync(HttpMethod method, string path, IReadOnlyDictionary<string, JsonNode?> fields,
        SoftrOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var request = Request(method, path, operation, SoftrHttp.Json(new RecordWrite(fields), SoftrJsonContext.Default.RecordWrite));
        using var response = await SoftrHttp.SendAsync(httpClient, request, operation, cancellationToken).ConfigureAwait(false);
        var envelope = await SoftrHttp.ReadAsync(response, SoftrJsonContext.Default.DataEnvelopeSoftrRecord, operation, cancellationToken)
            .ConfigureAwait(false);
        return envelope.Data;
    }

    private async Task<T> GetAsync<T>(string path, SoftrOperation operation, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, operation);
        using var response = await SoftrHttp.SendAsync(httpClient, request, operation, cancellationToken).ConfigureAwait(false);
        return await SoftrHttp.ReadAsync(response, typeInfo, operation, cancellationToken).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, SoftrOperation operation, HttpContent? content = null)
    {
        var message = SoftrHttp.Request(method, path, operation, content);
        message.Options.Set(SoftrConnection.RequestOption, connection);
        message.Headers.Add(SoftrHeaders.ApiKey, connection.ApiKey);
        return message;
    }

    private static string RecordsPath(string databaseId, string tableId) => $"databases/{Segment(databaseId)}/tables/{Segment(tableId)}/records";

    private static string RecordPath(string databaseId, string tableId, string recordId) => $"{RecordsPath(databaseId, tableId)}/{Segment(recordId)}";

    private static string FieldNamesQuery(bool fieldNames, string separator) => fieldNames ? $"{separator}fieldNames=true" : "";

    private static string Segment(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return Uri.EscapeDataString(id);
    }
}
