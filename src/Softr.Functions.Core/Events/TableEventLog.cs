using System.Globalization;
using Azure.Data.Tables;
using Softr.Functions.Storage;

namespace Softr.Functions.Events;

/// <summary>
/// The event log in Table storage: one partition per event, a <c>summary</c> row with the current
/// status and one row per change, keyed by time so that they read back in order.
/// </summary>
public sealed class TableEventLog(TableServiceClient tables, TimeProvider timeProvider) : IEventLog
{
    private const string SummaryRow = "summary";
    private readonly TableClient _table = tables.GetTableClient(TableNames.Events);
    private volatile bool _tableReady;

    public async Task RecordAsync(EventEnvelope envelope, EventStatus status, string? detail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var history = new TableEntity(envelope.EventId, $"h{now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}{Guid.NewGuid():N}")
        {
            ["At"] = now,
            ["Status"] = status.ToString(),
            ["Detail"] = detail,
        };
        var summary = new TableEntity(envelope.EventId, SummaryRow)
        {
            ["Hook"] = envelope.Hook,
            ["Type"] = envelope.EventType,
            ["Status"] = status.ToString(),
            ["ReceivedAt"] = envelope.ReceivedAt,
            ["UpdatedAt"] = now,
        };
        // One partition, one atomic batch: the summary never disagrees with the history.
        await _table.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.Add, history), new TableTransactionAction(TableTransactionActionType.UpsertReplace, summary)],
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
            if (row.RowKey == SummaryRow)
            {
                summary = row;
            }
            else
            {
                history.Add(new EventHistoryEntry(row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, Parse(row.GetString("Status")), row.GetString("Detail")));
            }
        }
        if (summary is null)
        {
            return null;
        }
        return new EventRecord(eventId, summary.GetString("Hook") ?? "", summary.GetString("Type") ?? "", Parse(summary.GetString("Status")),
            summary.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue, summary.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue, history);
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
