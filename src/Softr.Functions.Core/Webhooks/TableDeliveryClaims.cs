using Azure;
using Azure.Data.Tables;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Webhooks;

/// <summary>
/// <see cref="IDeliveryClaims"/> in Table storage (<see cref="TableNames.Deliveries"/>): one row per hook
/// and key, <c>{source}|{hash}</c>, holding the event id it was first given, when, and until when a repeat
/// is the same event. A new key is one insert, which only one of several concurrent deliveries wins; a
/// repeat reads the row; a key whose window has passed is taken over by ETag, so one delivery of several
/// makes the new event. Rows past their window are deleted by the retention sweep.
/// </summary>
public sealed class TableDeliveryClaims(TableServiceClient tables) : IDeliveryClaims
{
    private const string EventIdColumn = "EventId";
    private const string FirstSeenColumn = "FirstSeen";
    private const string BodyHashColumn = "BodyHash";

    /// <summary>When a repeat stops being the same event; the retention sweep deletes rows past it.</summary>
    public const string ExpiresColumn = "Expires";

    private readonly ReadyTable _ready = new(tables, TableNames.Deliveries);

    public async Task<DeliveryClaim> ClaimAsync(string hook, DeliveryKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var table = await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
            // Twice at most: a row that expired is taken over by ETag, and a lost takeover reads the winner's row.
            for (var attempt = 0; ; attempt++)
            {
                var existing = await table.GetEntityIfExistsAsync<TableEntity>(hook, RowKey(key), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (existing.HasValue && existing.Value!.GetDateTimeOffset(ExpiresColumn) > now)
                {
                    var row = existing.Value;
                    var eventId = row.GetString(EventIdColumn)!;
                    var firstSeen = row.GetDateTimeOffset(FirstSeenColumn) is { } seen && seen < now ? seen : now;
                    return key.RefusesOtherBodies && row.GetString(BodyHashColumn) != key.BodyHash
                        ? new DeliveryClaim(eventId, DeliveryClaimOutcome.KeyReused, firstSeen)
                        : new DeliveryClaim(eventId, DeliveryClaimOutcome.Duplicate, firstSeen);
                }
                var fresh = Row(hook, key, now);
                try
                {
                    if (existing.HasValue)
                    {
                        await table.UpdateEntityAsync(fresh, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await table.AddEntityAsync(fresh, cancellationToken).ConfigureAwait(false);
                    }
                    return new DeliveryClaim(fresh.GetString(EventIdColumn)!, DeliveryClaimOutcome.New, now);
                }
                catch (RequestFailedException lost) when (lost.Status is 409 or 412 && attempt == 0)
                {
                    // Another delivery of the same key got there first: read what it made.
                }
            }
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new EventQueueUnavailableException($"The delivery could not be checked for repeats: {exception.Message}", exception);
        }
    }

    public async Task ReleaseAsync(string hook, DeliveryKey key, string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var row = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(hook, RowKey(key), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue && row.Value!.GetString(EventIdColumn) == eventId)
            {
                await _ready.Client.DeleteEntityAsync(hook, RowKey(key), row.Value.ETag, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Storage is failing already (that is why the event was not queued). The claim then stands: the
            // sender's retry is answered as a repeat of an id that was never queued, and is queued under it.
        }
    }

    private static string RowKey(DeliveryKey key) => $"{key.Source}|{key.Hash}";

    private static TableEntity Row(string hook, DeliveryKey key, DateTimeOffset now) => new(hook, RowKey(key))
    {
        [EventIdColumn] = EventIds.ForDelivery(hook, $"{RowKey(key)}@{now.UtcTicks}"),
        [FirstSeenColumn] = now,
        [ExpiresColumn] = now + key.Window,
        [BodyHashColumn] = key.BodyHash,
    };
}
