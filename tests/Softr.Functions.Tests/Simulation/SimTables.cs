using System.Linq.Expressions;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace Softr.Functions.Tests.Simulation;

/// <summary>The simulated account's tables (Azure's own client type, so the app's stores run unchanged over it).</summary>
internal sealed class SimTables(SimStorage storage) : TableServiceClient
{
    private readonly Dictionary<string, SimTable> _tables = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Called after every row written or deleted, with the table and the row before and after (null when absent): the simulation's checks watch the events table.</summary>
    public Action<string, IReadOnlyDictionary<string, object?>?, IReadOnlyDictionary<string, object?>?>? OnWrite { get; set; }

    public override TableClient GetTableClient(string tableName)
    {
        if (!_tables.TryGetValue(tableName, out var table))
        {
            _tables[tableName] = table = new SimTable(this, tableName, storage);
        }
        return table;
    }

    /// <summary>Every row of a table as stored (for the simulation's checks; no yield, no fault).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows(string tableName) =>
        _tables.TryGetValue(tableName, out var table) ? table.Snapshot() : [];

    internal void Written(string table, IReadOnlyDictionary<string, object?>? before, IReadOnlyDictionary<string, object?>? after) =>
        OnWrite?.Invoke(table, before, after);
}

/// <summary>
/// One table in memory, with Table storage's rules: rows ordered by partition and row key; writes
/// conditional on an ETag (412 when it changed, 404 when the row is gone, 409 for an insert of a row
/// that exists); a transaction is one partition's, at most 100 actions, all or nothing, and names the action that failed;
/// a <c>$select</c> returns only the columns it names.
/// </summary>
internal sealed class SimTable(SimTables account, string name, SimStorage storage) : TableClient
{
    private readonly SortedDictionary<(string Partition, string Row), Stored> _rows = new(Comparer<(string, string)>.Create(
        (a, b) => string.CompareOrdinal(a.Item1, b.Item1) is var byPartition and not 0 ? byPartition : string.CompareOrdinal(a.Item2, b.Item2)));
    private long _etags;

    private sealed record Stored(Dictionary<string, object?> Columns, string ETag, DateTimeOffset Timestamp);

    public override string Name => name;

    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Snapshot() => [.. _rows.Select(row => (IReadOnlyDictionary<string, object?>)Columns(row.Key, row.Value))];

    public override async Task<Response<TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        return Response.FromValue(TableModelFactory.TableItem(name), new SimResponse(204));
    }

    public override AsyncPageable<T> QueryAsync<T>(Expression<Func<T, bool>> filter, int? maxPerPage = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) =>
        QueryAsync<T>(CreateQueryFilter(filter), maxPerPage, select, cancellationToken);

    public override AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        var predicate = ODataFilter.Parse(filter);
        var columns = select?.ToList();
        return new SimPageable<T>(async token =>
        {
            await storage.BeforeAsync(token).ConfigureAwait(false);
            return [.. _rows.Select(row => (row.Key, row.Value, All: Columns(row.Key, row.Value)))
                .Where(row => predicate(row.All))
                .Select(row => (T)(object)Entity(row.Key, row.Value, columns))];
        }, cancellationToken);
    }

    public override async Task<NullableResponse<T>> GetEntityIfExistsAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        return new SimNullableResponse<T>(_rows.TryGetValue((partitionKey, rowKey), out var stored) ? (T)(object)Entity((partitionKey, rowKey), stored, select?.ToList()) : null);
    }

    public override Task<Response> AddEntityAsync<T>(T entity, CancellationToken cancellationToken = default) =>
        WriteAsync([new TableTransactionAction(TableTransactionActionType.Add, entity)], cancellationToken);

    public override Task<Response> UpsertEntityAsync<T>(T entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default) =>
        WriteAsync([new TableTransactionAction(mode == TableUpdateMode.Merge ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace, entity)],
            cancellationToken);

    public override Task<Response> UpdateEntityAsync<T>(T entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default) =>
        WriteAsync([new TableTransactionAction(mode == TableUpdateMode.Merge ? TableTransactionActionType.UpdateMerge : TableTransactionActionType.UpdateReplace, entity, ifMatch)],
            cancellationToken);

    public override Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default) =>
        WriteAsync([new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ifMatch == default ? ETag.All : ifMatch)],
            cancellationToken);

    public override async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions,
        CancellationToken cancellationToken = default)
    {
        var actions = transactionActions.ToList();
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        if (actions.Select(action => action.Entity.PartitionKey).Distinct().Count() > 1)
        {
            throw new RequestFailedException(400, "All actions of a transaction must be in one partition.", "CommandsInBatchActOnDifferentPartitions", null);
        }
        if (actions.Count > Softr.Functions.Storage.TableRowDeletion.MaxTransaction)
        {
            throw new RequestFailedException(400, "A transaction holds at most 100 actions.", "InvalidInput", null);
        }
        var answers = Apply(actions, transaction: true);
        storage.AfterTransaction(name, actions);
        return Response.FromValue<IReadOnlyList<Response>>(answers, new SimResponse(202));
    }

    private async Task<Response> WriteAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        await storage.BeforeAsync(cancellationToken).ConfigureAwait(false);
        var answer = Apply(actions, transaction: false)[0];
        storage.AfterWrite();
        return answer;
    }

    /// <summary>Checks every action against the rows as they are, then applies all of them, or none.</summary>
    private List<Response> Apply(List<TableTransactionAction> actions, bool transaction)
    {
        for (var i = 0; i < actions.Count; i++)
        {
            var (action, key) = (actions[i], (actions[i].Entity.PartitionKey, actions[i].Entity.RowKey));
            var exists = _rows.TryGetValue(key, out var current);
            var failure = action.ActionType switch
            {
                TableTransactionActionType.Add when exists => (409, "EntityAlreadyExists"),
                TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace or TableTransactionActionType.Delete when !exists => (404, "ResourceNotFound"),
                TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace or TableTransactionActionType.Delete
                    when action.ETag != ETag.All && action.ETag.ToString() != current!.ETag => (412, "UpdateConditionNotSatisfied"),
                _ => (0, ""),
            };
            if (failure.Item1 != 0)
            {
                var error = new RequestFailedException(failure.Item1, $"{i}:{failure.Item2} (simulated)", failure.Item2, null);
                if (!transaction)
                {
                    throw error;
                }
                error.Data["FailedEntity"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw new TableTransactionFailedException(error);
            }
        }
        var answers = new List<Response>(actions.Count);
        foreach (var action in actions)
        {
            var key = (action.Entity.PartitionKey, action.Entity.RowKey);
            if (action.ActionType == TableTransactionActionType.Delete)
            {
                var removed = _rows[key];
                _rows.Remove(key);
                account.Written(name, Columns(key, removed), null);
                answers.Add(new SimResponse(204));
                continue;
            }
            var merge = action.ActionType is TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpsertMerge;
            var columns = merge && _rows.TryGetValue(key, out var before) ? new Dictionary<string, object?>(before.Columns) : new Dictionary<string, object?>();
            if (action.Entity is TableEntity written)
            {
                foreach (var (column, value) in written)
                {
                    if (column is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                    {
                        columns[column] = value is byte[] bytes ? bytes.ToArray() : value;
                    }
                }
            }
            var etag = $"W/\"sim{++_etags}\"";
            var previous = _rows.TryGetValue(key, out var old) ? Columns(key, old) : null;
            _rows[key] = new Stored(columns, etag, DateTimeOffset.UnixEpoch.AddTicks(_etags));
            account.Written(name, previous, Columns(key, _rows[key]));
            answers.Add(new SimResponse(204, etag));
        }
        return answers;
    }

    private static Dictionary<string, object?> Columns((string Partition, string Row) key, Stored stored)
    {
        var all = new Dictionary<string, object?>(stored.Columns) { ["PartitionKey"] = key.Partition, ["RowKey"] = key.Row, ["Timestamp"] = stored.Timestamp };
        return all;
    }

    private static TableEntity Entity((string Partition, string Row) key, Stored stored, List<string>? select)
    {
        var entity = new TableEntity(select is null || select.Contains("PartitionKey") ? key.Partition : null, select is null || select.Contains("RowKey") ? key.Row : null)
        {
            ETag = new ETag(stored.ETag),
        };
        foreach (var (column, value) in stored.Columns)
        {
            if (select is null || select.Contains(column))
            {
                entity[column] = value is byte[] bytes ? bytes.ToArray() : value;
            }
        }
        return entity;
    }
}
