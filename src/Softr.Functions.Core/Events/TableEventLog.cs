using Azure.Data.Tables;
using Softr.Functions.Storage;

namespace Softr.Functions.Events;

/// <summary>
/// The event log in the events table (<see cref="EventTable"/>). Ingestion's claim wrote the summary
/// row with "accepted"; every later change adds a history row and merges the summary in one batch.
/// </summary>
public sealed class TableEventLog(TableServiceClient tables, TimeProvider timeProvider) : IEventLog
{
    private readonly TableClient _table = tables.GetTableClient(TableNames.Events);
    private volatile bool _tableReady;

    public async Task RecordAsync(EventEnvelope envelope, EventStatus status, string? detail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        // One partition, one atomic batch: the summary never disagrees with the history. A merge, so
        // that the ledger's claim column on the same row survives.
        await _table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, EventTable.History(envelope.EventId, status, detail, now)),
                new TableTransactionAction(TableTransactionActionType.UpsertMerge, EventTable.Summary(envelope, status, now)),
            ],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<EventRecord?> FindAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        TableEntity? summary = null;
        var history = new List<EventHistoryEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(entity => entity.PartitionKey == eventId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == EventTable.SummaryRow)
            {
                summary = row;
            }
            else
            {
                history.Add(new EventHistoryEntry(row.GetDateTimeOffset(EventTable.At) ?? DateTimeOffset.MinValue, Parse(row.GetString(EventTable.Status)),
                    row.GetString(EventTable.Detail)));
            }
        }
        if (summary is null)
        {
            return null;
        }
        var hook = summary.GetString(EventTable.Hook) ?? "";
        var receivedAt = summary.GetDateTimeOffset(EventTable.ReceivedAt) ?? DateTimeOffset.MinValue;
        // Acceptance is the claim itself, not a row of its own (one storage write fewer per webhook).
        history.Insert(0, new EventHistoryEntry(receivedAt, EventStatus.Accepted, $"received on {hook}"));
        return new EventRecord(eventId, hook, summary.GetString(EventTable.Type) ?? "", Parse(summary.GetString(EventTable.Status)),
            receivedAt, summary.GetDateTimeOffset(EventTable.UpdatedAt) ?? receivedAt, [.. history.OrderBy(entry => entry.At)]);
    }

    private static EventStatus Parse(string? status) => Enum.TryParse<EventStatus>(status, out var parsed) ? parsed : EventStatus.Accepted;

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableReady = true;
        }
    }
}
