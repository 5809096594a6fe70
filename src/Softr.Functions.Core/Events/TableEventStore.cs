using Azure;
using Azure.Data.Tables;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Events;

/// <summary>
/// The events table: one partition per event, a <c>summary</c> row with its current status, and one
/// row per later change, keyed by time so that they read back in order. Ingestion's dedupe claim is
/// the summary row itself, inserted atomically: of any number of concurrent deliveries of one event
/// exactly one wins, and the same write records the event as accepted. Processing's status writes merge
/// into that row, so neither side clobbers the other's columns. Rows are kept, not expired: the dedupe
/// window is at least as long as Stripe's three days of retries.
/// </summary>
public sealed class TableEventStore(TableServiceClient tables, TimeProvider timeProvider) : IDeliveryLedger, IEventLog
{
    /// <summary>A pending claim older than this was abandoned (its process died between claim and queue) and may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    // The claim's states (column EventRows.Claim).
    private const string Pending = "pending";
    private const string Queued = "queued";
    private const string Released = "released";

    private readonly ReadyTable _ready = new(tables, TableNames.Events);

    public async Task<DeliveryClaim> ClaimAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
            var claim = EventRows.Summary(envelope, EventStatus.Accepted, timeProvider.GetUtcNow());
            claim[EventRows.Claim] = Pending;
            try
            {
                await _ready.Client.AddEntityAsync(claim, cancellationToken).ConfigureAwait(false);
                return new DeliveryClaim(DeliveryClaimStatus.New, envelope.EventId);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                var existing = (await _ready.Client.GetEntityAsync<TableEntity>(envelope.EventId, EventRows.SummaryRow, cancellationToken: cancellationToken)
                    .ConfigureAwait(false)).Value;
                return await ResolveConflictAsync(existing, claim, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException exception)
        {
            throw new DeliveryLedgerUnavailableException($"The delivery ledger could not be read or written: {exception.Status} {exception.ErrorCode}", exception);
        }
        catch (AggregateException exception)
        {
            throw new DeliveryLedgerUnavailableException("The delivery ledger could not be reached.", exception);
        }
    }

    public async Task MarkQueuedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        // A merge of the claim column alone: processing may already have written the status, and it must stay.
        var mark = new TableEntity(eventId, EventRows.SummaryRow) { [EventRows.Claim] = Queued };
        await _ready.Client.UpdateEntityAsync(mark, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string eventId, string reason, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var release = new TableEntity(eventId, EventRows.SummaryRow)
        {
            [EventRows.Claim] = Released,
            [EventRows.Status] = nameof(EventStatus.Failed),
            [EventRows.UpdatedAt] = now,
        };
        await _ready.Client.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, release),
                new TableTransactionAction(TableTransactionActionType.Add, EventRows.History(eventId, EventStatus.Failed, reason, now)),
            ],
            cancellationToken).ConfigureAwait(false);
    }

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
        // Acceptance is the claim itself, not a row of its own (one storage write fewer per webhook). A
        // claim is only taken once the sender is authenticated and the event valid, and is marked
        // queued once the queue has it: the console's timeline says so.
        var queued = summary.GetString(EventRows.Claim) == Queued || EventRows.StatusOf(summary) != EventStatus.Accepted;
        history.Insert(0, new EventHistoryEntry(receivedAt, EventStatus.Accepted,
            $"received on {hook}, sender and payload checked at the door; {(queued ? "queued" : "being queued")}"));
        return new EventRecord(eventId, hook, summary.GetString(EventRows.Type) ?? "", EventRows.StatusOf(summary),
            receivedAt, summary.GetDateTimeOffset(EventRows.UpdatedAt) ?? receivedAt, [.. history.OrderBy(entry => entry.At)])
        {
            Cause = summary.GetString(EventRows.Cause) is { Length: > 0 } cause ? cause : null,
            Steps = [.. steps.OrderBy(step => step.At)],
        };
    }

    private async Task<DeliveryClaim> ResolveConflictAsync(TableEntity existing, TableEntity claim, CancellationToken cancellationToken)
    {
        var state = existing.GetString(EventRows.Claim);
        // Queued, or evidently so: processing has written a status, so the mark after queueing was lost.
        if (state == Queued || EventRows.StatusOf(existing) is not (EventStatus.Accepted or EventStatus.Failed))
        {
            return new DeliveryClaim(DeliveryClaimStatus.Duplicate, existing.PartitionKey);
        }
        var claimedAt = existing.GetDateTimeOffset(EventRows.UpdatedAt) ?? DateTimeOffset.MinValue;
        if (state == Pending && timeProvider.GetUtcNow() - claimedAt < AbandonedAfter)
        {
            return new DeliveryClaim(DeliveryClaimStatus.InProgress, existing.PartitionKey);
        }

        // Released, or abandoned by a process that died between claim and queue: take it over,
        // conditional on the ETag so that only one taker wins. The id is the same, so if the dead
        // process did queue the event, processing sees the same event twice and does it once.
        try
        {
            await _ready.Client.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return new DeliveryClaim(DeliveryClaimStatus.New, existing.PartitionKey);
        }
        catch (RequestFailedException lost) when (lost.Status == 412)
        {
            return new DeliveryClaim(DeliveryClaimStatus.InProgress, existing.PartitionKey);
        }
    }
}
