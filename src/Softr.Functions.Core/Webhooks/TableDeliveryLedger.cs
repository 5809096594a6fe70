using Azure;
using Azure.Data.Tables;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The ledger in the events table: the claim is the event's summary row, inserted atomically, so of any
/// number of concurrent deliveries of one event exactly one wins, and the same write records the event
/// as accepted. Rows are kept, not expired: the dedupe window is at least as long as Stripe's three
/// days of retries.
/// </summary>
public sealed class TableDeliveryLedger(TableServiceClient tables, TimeProvider timeProvider) : IDeliveryLedger
{
    /// <summary>A pending claim older than this was abandoned (its process died between claim and queue) and may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private readonly TableClient _table = tables.GetTableClient(TableNames.Events);
    private volatile bool _tableReady;

    public async Task<DeliveryClaim> ClaimAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            var claim = PendingSummary(envelope);
            try
            {
                await _table.AddEntityAsync(claim, cancellationToken).ConfigureAwait(false);
                return new DeliveryClaim(DeliveryClaimStatus.New, envelope.EventId);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                var existing = (await _table.GetEntityAsync<TableEntity>(envelope.EventId, EventTable.SummaryRow, cancellationToken: cancellationToken)
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
        var mark = new TableEntity(eventId, EventTable.SummaryRow) { [EventTable.Claim] = EventTable.Queued };
        await _table.UpdateEntityAsync(mark, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string eventId, string reason, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var release = new TableEntity(eventId, EventTable.SummaryRow)
        {
            [EventTable.Claim] = EventTable.Released,
            [EventTable.Status] = nameof(EventStatus.Failed),
            [EventTable.UpdatedAt] = now,
        };
        await _table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, release),
                new TableTransactionAction(TableTransactionActionType.Add, EventTable.History(eventId, EventStatus.Failed, reason, now)),
            ],
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeliveryClaim> ResolveConflictAsync(TableEntity existing, TableEntity claim, CancellationToken cancellationToken)
    {
        var state = existing.GetString(EventTable.Claim);
        // Queued, or evidently so: processing has written a status, so the mark after queueing was lost.
        if (state == EventTable.Queued || existing.GetString(EventTable.Status) is not (nameof(EventStatus.Accepted) or nameof(EventStatus.Failed)))
        {
            return new DeliveryClaim(DeliveryClaimStatus.Duplicate, existing.PartitionKey);
        }
        var claimedAt = existing.GetDateTimeOffset(EventTable.UpdatedAt) ?? DateTimeOffset.MinValue;
        if (state == EventTable.Pending && timeProvider.GetUtcNow() - claimedAt < AbandonedAfter)
        {
            return new DeliveryClaim(DeliveryClaimStatus.InProgress, existing.PartitionKey);
        }

        // Released, or abandoned by a process that died between claim and queue: take it over,
        // conditional on the ETag so that only one taker wins. The id is the same, so if the dead
        // process did queue the event, processing sees the same event twice and does it once.
        try
        {
            await _table.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return new DeliveryClaim(DeliveryClaimStatus.New, existing.PartitionKey);
        }
        catch (RequestFailedException lost) when (lost.Status == 412)
        {
            return new DeliveryClaim(DeliveryClaimStatus.InProgress, existing.PartitionKey);
        }
    }

    private TableEntity PendingSummary(EventEnvelope envelope)
    {
        var summary = EventTable.Summary(envelope, EventStatus.Accepted, timeProvider.GetUtcNow());
        summary[EventTable.Claim] = EventTable.Pending;
        return summary;
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableReady = true;
        }
    }
}
