using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Privacy;

/// <summary>What one sweep deleted.</summary>
public sealed record RetentionReport(
    [property: JsonPropertyName("events")] int Events,
    [property: JsonPropertyName("deadLetters")] int DeadLetters,
    [property: JsonPropertyName("payloads")] int Payloads)
{
    /// <summary>The console's activity rows (per process per minute), kept <see cref="Operations.ActivityStore.Kept"/> whatever the settings: they name no one.</summary>
    [JsonPropertyName("activityRows")]
    public int ActivityRows { get; init; }

    /// <summary>Tombstones of erased events, and erased markers, past <see cref="RetentionOptions.Tombstones"/>.</summary>
    [JsonPropertyName("tombstones")]
    public int Tombstones { get; init; }

    /// <summary>The door's delivery claims past their window (<see cref="TableDeliveryClaims"/>).</summary>
    [JsonPropertyName("deliveryClaims")]
    public int DeliveryClaims { get; init; }
}

/// <summary>
/// Deletes what is older than <see cref="RetentionOptions"/> says: dead letters (by their time index, a
/// key range) first, then finished events (every row of their partition, their index rows and their row in
/// the events list), tombstones, payload blobs and the door's expired delivery claims. Unfinished events
/// are kept whatever their age: they are still someone's work. A dead-lettered event whose letter is still
/// kept is kept too (a replay reads which steps succeeded from it). An event is taken first, by marking its
/// summary conditional on the summary the sweep read, so a replay that got there first keeps it and one that
/// comes after refuses it. A sweep that stops half-way leaves what an erasure can still find (see
/// <see cref="SweepEventsAsync"/>), and the next one goes on. Run daily by the function app's timer, and by the local host.
/// </summary>
public sealed partial class RetentionSweeper(TableServiceClient tables, BlobServiceClient blobs, IPayloadStore payloads, DeadLetterStore deadLetters, EventIndex index,
    PersonIndex people, Operations.ActivityStore activity, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    public async Task<RetentionReport> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        // Dead letters first: an event is not swept while its dead letter is kept.
        var letters = await deadLetters.RemoveOlderThanAsync(now - settings.DeadLetters, cancellationToken).ConfigureAwait(false);
        foreach (var (id, named) in letters.Where(letter => letter.People.Count > 0))
        {
            await people.ForgetAsync(named, [id], cancellationToken).ConfigureAwait(false);
        }
        var report = new RetentionReport(
            await SweepEventsAsync(now - settings.Events, [EventStatus.Succeeded, EventStatus.DeadLettered], cancellationToken).ConfigureAwait(false),
            letters.Count,
            await SweepPayloadsAsync(now - settings.Payloads, cancellationToken).ConfigureAwait(false))
        {
            Tombstones = await SweepEventsAsync(now - settings.Tombstones, [EventStatus.Erased], cancellationToken).ConfigureAwait(false)
                + await people.RemoveMarkersOlderThanAsync(now - settings.Tombstones, cancellationToken).ConfigureAwait(false),
            DeliveryClaims = await SweepDeliveryClaimsAsync(now, cancellationToken).ConfigureAwait(false),
            ActivityRows = await activity.RemoveOlderThanAsync(now - Operations.ActivityStore.Kept, cancellationToken).ConfigureAwait(false),
        };
        LogSwept(report.Events, report.DeadLetters, report.Payloads, report.Tombstones);
        return report;
    }

    private async Task<int> SweepEventsAsync(DateTimeOffset cutoff, EventStatus[] statuses, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableNames.Events);
        // Summary rows only (the service filters), in one of the statuses and unchanged since the cutoff.
        // Column names are part of the filter's text, values are escaped by CreateQueryFilter.
        var filter = TableClient.CreateQueryFilter($"RowKey eq {EventRows.SummaryRow}")
            + $" and {EventRows.UpdatedAt} lt " + TableClient.CreateQueryFilter($"{cutoff}")
            + " and (" + string.Join(" or ", statuses.Select(status => $"{EventRows.Status} eq " + TableClient.CreateQueryFilter($"{status.ToString()}"))) + ")";
        var expired = new List<TableEntity>();
        try
        {
            await foreach (var summary in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", EventRows.ReceivedAt, EventRows.Status, EventRows.People],
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                expired.Add(summary);
            }
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return 0; // no events yet
        }
        var swept = 0;
        foreach (var summary in expired)
        {
            var eventId = summary.PartitionKey;
            if (EventRows.StatusOf(summary) == EventStatus.DeadLettered && await deadLetters.GetAsync(eventId, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue; // its dead letter is kept, and a replay of it needs its steps
            }
            ETag taken;
            try
            {
                // Taken on the summary as it was read: if a replay changed it since, the event is live again and stays.
                taken = (await table.UpdateEntityAsync(new TableEntity(eventId, EventRows.SummaryRow) { [EventRows.Sweeping] = time.GetUtcNow() }, summary.ETag,
                    TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException changed) when (changed.Status is 412 or 404)
            {
                continue;
            }
            // In this order, so that a sweep cut short anywhere leaves nothing that an erasure cannot reach: first what can hold
            // the person's address (the step and history rows, and the payload blob); then the indexes, the person index among
            // them (an erasure finds the event through it until that is gone); the summary last (it holds no address, and the
            // next sweep finds the event by it).
            await TableRowDeletion.DeletePartitionAsync(table, eventId, keep: EventRows.SummaryRow, cancellationToken).ConfigureAwait(false);
            // A dead letter kept would have kept the event (above), so no replay can want the payload any more.
            await payloads.DeleteAsync(BlobPayloadStore.NameOf(eventId), cancellationToken).ConfigureAwait(false);
            var receivedAt = summary.GetDateTimeOffset(EventRows.ReceivedAt) ?? DateTimeOffset.MinValue;
            await index.RemoveAsync(eventId, receivedAt, cancellationToken).ConfigureAwait(false);
            if (summary.GetString(EventRows.People) is { Length: > 0 } named && EventRows.StatusOf(summary) != EventStatus.Erased)
            {
                await people.ForgetAsync(named.Split(','), [eventId], cancellationToken).ConfigureAwait(false);
            }
            try
            {
                // As the sweep left it: an erasure's tombstone written since stays, for the tombstones' own period.
                await table.DeleteEntityAsync(eventId, EventRows.SummaryRow, taken, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException changed) when (changed.Status is 412 or 404)
            {
                continue;
            }
            swept++;
        }
        return swept;
    }

    private async Task<int> SweepPayloadsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(ContainerNames.Payloads);
        if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (blob.Properties.LastModified < cutoff)
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        return deleted;
    }

    private async Task<int> SweepDeliveryClaimsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableNames.Deliveries);
        var expired = new List<TableEntity>();
        try
        {
            await foreach (var claim in table.QueryAsync<TableEntity>(TableDeliveryClaims.ExpiresColumn + " lt " + TableClient.CreateQueryFilter($"{now}"),
                select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                expired.Add(claim);
            }
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return 0; // no hook without event ids has had a delivery yet
        }
        foreach (var claim in expired)
        {
            try
            {
                // Conditional on the row as listed: a claim a new delivery took over meanwhile is fresh, and stays.
                await table.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, claim.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException moved) when (moved.Status is 404 or 412)
            {
                // 404: another sweep deleted it. 412: a new delivery took the expired claim over after the listing.
            }
        }
        return expired.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep deleted {Events} events, {DeadLetters} dead letters, {Payloads} payload blobs and {Tombstones} tombstones")]
    private partial void LogSwept(int events, int deadLetters, int payloads, int tombstones);
}
