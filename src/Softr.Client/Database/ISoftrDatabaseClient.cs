using System.Text.Json.Nodes;

namespace Softr.Database;

/// <summary>
/// The Softr Database API (<c>https://tables-api.softr.io/api/v1</c>). Record fields are keyed by
/// field ID unless <c>fieldNames</c> is true, which makes Softr read and write field names instead.
/// Every method throws <see cref="SoftrApiException"/> for a failure it does not turn into a result.
/// </summary>
public interface ISoftrDatabaseClient
{
    /// <summary>The databases the API key can reach.</summary>
    Task<IReadOnlyList<SoftrDatabase>> ListDatabasesAsync(CancellationToken cancellationToken = default);

    /// <summary>The tables of a database, each with its fields.</summary>
    Task<IReadOnlyList<SoftrTable>> ListTablesAsync(string databaseId, CancellationToken cancellationToken = default);

    /// <summary>The table with its fields: what resolves field names to IDs.</summary>
    Task<SoftrTable> GetTableAsync(string databaseId, string tableId, CancellationToken cancellationToken = default);

    /// <summary>One page of records; <paramref name="limit"/> at most 200.</summary>
    Task<RecordPage> ListRecordsAsync(string databaseId, string tableId, int offset = 0, int limit = SoftrDatabaseClient.MaxPageSize,
        bool fieldNames = false, CancellationToken cancellationToken = default);

    /// <summary>Every record of the table, fetched page by page as the caller enumerates.</summary>
    IAsyncEnumerable<SoftrRecord> ListAllRecordsAsync(string databaseId, string tableId, bool fieldNames = false,
        CancellationToken cancellationToken = default);

    /// <summary>The record, or null when the table has no record with that ID.</summary>
    Task<SoftrRecord?> GetRecordAsync(string databaseId, string tableId, string recordId, bool fieldNames = false,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a record. Not retried after a timeout or 5xx (a repeat could create a second record);
    /// use an upsert by a key field when a create must be safe to repeat.
    /// </summary>
    Task<SoftrRecord> CreateRecordAsync(string databaseId, string tableId, IReadOnlyDictionary<string, JsonNode?> fields,
        bool fieldNames = false, CancellationToken cancellationToken = default);

    /// <summary>Changes the given fields only (a partial PATCH).</summary>
    Task<SoftrRecord> UpdateRecordAsync(string databaseId, string tableId, string recordId, IReadOnlyDictionary<string, JsonNode?> fields,
        bool fieldNames = false, CancellationToken cancellationToken = default);

    /// <summary>True when deleted, false when no such record existed (Softr answers 200 or 204, and 404 for an unknown ID).</summary>
    Task<bool> DeleteRecordAsync(string databaseId, string tableId, string recordId, CancellationToken cancellationToken = default);

    /// <summary>One page of matching records. Paging comes from <paramref name="search"/>, else the first page of 200.</summary>
    Task<RecordPage> SearchRecordsAsync(string databaseId, string tableId, RecordSearch search, bool fieldNames = false,
        CancellationToken cancellationToken = default);

    /// <summary>Every matching record, fetched page by page as the caller enumerates.</summary>
    IAsyncEnumerable<SoftrRecord> SearchAllRecordsAsync(string databaseId, string tableId, RecordSearch search, bool fieldNames = false,
        CancellationToken cancellationToken = default);
}
