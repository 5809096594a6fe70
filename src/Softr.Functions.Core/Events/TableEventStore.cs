using Azure.Data.Tables;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Events;

/// <summary>
/// The events table as <c>GET /api/events/{id}</c> reads it: one partition per event, a <c>summary</c>
/// row with its current status, and one row per change and per step, keyed so that they read back in
/// order. The door writes nothing here (D28): processing's first write inserts the summary, so an event
/// is known from the moment an attempt picks it up; until then it is only on the queue.
/// </summary>
public sealed class TableEventStore(TableServiceClient tables) : IEventLog
{
    private readonly ReadyTable _ready = new(tables, TableNames.Events);

    public async Task<EventRecord?> FindAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        TableEntity? summary = null;
        var history = new List<EventHistoryEntry>();
        var steps = new List<StepRecord>();
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == eventId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == EventRows.SummaryRow)
            {
                summary = row;
            }
            else if (EventRows.IsStep(row))
            {
                // As stored (credentials read [redacted]), and with e-mails masked: a read API gives no payload value.
                var step = EventRows.ReadStep(row);
                steps.Add(step with { Outputs = step.Outputs.ToDictionary(output => output.Key, output => output.Value is null ? null : LogText.MaskEmails(output.Value)) });
            }
            else
            {
                var entry = EventRows.ReadHistory(row);
                history.Add(entry with { Detail = entry.Detail is null ? null : LogText.MaskEmails(entry.Detail) });
            }
        }
        if (summary is null)
        {
            return null;
        }
        var hook = summary.GetString(EventRows.Hook) ?? "";
        var receivedAt = summary.GetDateTimeOffset(EventRows.ReceivedAt) ?? DateTimeOffset.MinValue;
        if (EventRows.StatusOf(summary) == EventStatus.Erased)
        {
            // A tombstone: nothing of the event is left but that it was erased, and when.
            var erasedAt = summary.GetDateTimeOffset(EventRows.ErasedAt) ?? receivedAt;
            return new EventRecord(eventId, hook, summary.GetString(EventRows.Type) ?? "", EventStatus.Erased, receivedAt, erasedAt,
                [new EventHistoryEntry(erasedAt, EventStatus.Erased, "the data of a person it named was erased")]);
        }
        // Receipt is not a row of its own: the door writes nothing but the queue message (D28), and the
        // time it was received travels in the envelope into every row processing writes.
        history.Insert(0, new EventHistoryEntry(receivedAt, EventStatus.Accepted, $"received on {hook}, sender and payload checked at the door, queued"));
        return new EventRecord(eventId, hook, summary.GetString(EventRows.Type) ?? "", EventRows.StatusOf(summary),
            receivedAt, summary.GetDateTimeOffset(EventRows.UpdatedAt) ?? receivedAt, [.. history.OrderBy(entry => entry.At)])
        {
            Cause = summary.GetString(EventRows.Cause) is { Length: > 0 } cause ? cause : null,
            Steps = [.. steps.OrderBy(step => step.At)],
        };
    }
}
