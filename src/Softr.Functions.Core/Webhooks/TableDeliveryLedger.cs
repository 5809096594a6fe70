using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Softr.Functions.Storage;

namespace Softr.Functions.Webhooks;

/// <summary>
/// The ledger in Azure Table storage: partition = hook, row = SHA-256 of the dedupe key (row keys
/// forbid characters senders use). Claims are atomic inserts, so of any number of concurrent
/// deliveries of one event exactly one wins. Rows are kept, not expired: the dedupe window is at least
/// as long as Stripe's three days of retries.
/// </summary>
public sealed class TableDeliveryLedger(TableServiceClient tables, TimeProvider timeProvider) : IDeliveryLedger
{
    /// <summary>A pending claim older than this was abandoned (its process died between claim and queue) and may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private const string Pending = "pending";
    private const string Queued = "queued";

    private readonly TableClient _table = tables.GetTableClient(TableNames.Deliveries);
    private volatile bool _tableReady;

    public async Task<DeliveryClaim> ClaimAsync(string hook, string dedupeKey, string eventId, CancellationToken cancellationToken = default)
    {
        var rowKey = RowKey(dedupeKey);
        try
        {
            await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
            var now = timeProvider.GetUtcNow();
            try
            {
                await _table.AddEntityAsync(Entity(hook, rowKey, eventId, Pending, now), cancellationToken).ConfigureAwait(false);
                return new DeliveryClaim(DeliveryClaimStatus.New, eventId, hook, rowKey);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                var existing = (await _table.GetEntityAsync<TableEntity>(hook, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                var originalId = existing.GetString("EventId") ?? eventId;
                if (existing.GetString("State") == Queued)
                {
                    return new DeliveryClaim(DeliveryClaimStatus.Duplicate, originalId, hook, rowKey);
                }
                if (now - (existing.GetDateTimeOffset("ClaimedAt") ?? now) < AbandonedAfter)
                {
                    return new DeliveryClaim(DeliveryClaimStatus.InProgress, originalId, hook, rowKey);
                }
                return await TakeOverAsync(existing, eventId, now, cancellationToken).ConfigureAwait(false);
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

    public async Task MarkQueuedAsync(DeliveryClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await _table.UpdateEntityAsync(Entity(claim.Hook, claim.DedupeKey, claim.EventId, Queued, timeProvider.GetUtcNow()), ETag.All,
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(DeliveryClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await _table.DeleteEntityAsync(claim.Hook, claim.DedupeKey, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces an abandoned claim, conditional on its ETag so that only one taker wins.</summary>
    private async Task<DeliveryClaim> TakeOverAsync(TableEntity abandoned, string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(Entity(abandoned.PartitionKey, abandoned.RowKey, eventId, Pending, now), abandoned.ETag,
                TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return new DeliveryClaim(DeliveryClaimStatus.New, eventId, abandoned.PartitionKey, abandoned.RowKey);
        }
        catch (RequestFailedException lost) when (lost.Status == 412)
        {
            return new DeliveryClaim(DeliveryClaimStatus.InProgress, abandoned.GetString("EventId") ?? eventId, abandoned.PartitionKey, abandoned.RowKey);
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableReady = true;
        }
    }

    private static TableEntity Entity(string hook, string rowKey, string eventId, string state, DateTimeOffset at) => new(hook, rowKey)
    {
        ["EventId"] = eventId,
        ["State"] = state,
        ["ClaimedAt"] = at,
    };

    private static string RowKey(string dedupeKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeKey)));
}
