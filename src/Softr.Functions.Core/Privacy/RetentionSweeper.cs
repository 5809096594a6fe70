using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

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
}

/// <summary>
/// Deletes what is older than <see cref="RetentionOptions"/> says: finished events (every row of their
/// partition), dead letters (by their time index, a key range), and payload blobs. Run daily by the
/// function app's timer, and by the local host. Unfinished events are kept whatever their age: they are
/// still someone's work. A sweep that stops half-way leaves only whole events behind, and the next one
/// goes on.
/// </summary>
public sealed partial class RetentionSweeper(TableServiceClient tables, BlobServiceClient blobs, DeadLetterStore deadLetters, EventIndex index,
    Operations.ActivityStore activity, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    private const int MaxTransaction = 100;

    public async Task<RetentionReport> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        var report = new RetentionReport(
            await SweepEventsAsync(now - settings.Events, cancellationToken).ConfigureAwait(false),
            await deadLetters.RemoveOlderThanAsync(now - settings.DeadLetters, cancellationToken).ConfigureAwait(false),
            await SweepPayloadsAsync(now - settings.Payloads, cancellationToken).ConfigureAwait(false))
        {
            ActivityRows = await activity.RemoveOlderThanAsync(now - Operations.ActivityStore.Kept, cancellationToken).ConfigureAwait(false),
        };
        LogSwept(report.Events, report.DeadLetters, report.Payloads);
        return report;
    }

    private async Task<int> SweepEventsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableNames.Events);
        // Summary rows only (the service filters), finished and unchanged since the cutoff.
        // Column names are part of the filter's text, values are escaped by CreateQueryFilter.
        var filter = TableClient.CreateQueryFilter($"RowKey eq {EventRows.SummaryRow}")
            + $" and {EventRows.UpdatedAt} lt " + TableClient.CreateQueryFilter($"{cutoff}")
            + $" and ({EventRows.Status} eq " + TableClient.CreateQueryFilter($"{nameof(EventStatus.Succeeded)}")
            + $" or {EventRows.Status} eq " + TableClient.CreateQueryFilter($"{nameof(EventStatus.DeadLettered)}") + ")";
        var expired = new List<(string EventId, DateTimeOffset ReceivedAt)>();
        try
        {
            await foreach (var summary in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", EventRows.ReceivedAt], cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                expired.Add((summary.PartitionKey, summary.GetDateTimeOffset(EventRows.ReceivedAt) ?? DateTimeOffset.MinValue));
            }
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return 0; // no events yet
        }
        foreach (var (eventId, receivedAt) in expired)
        {
            await index.RemoveAsync(eventId, receivedAt, cancellationToken).ConfigureAwait(false);
            var rows = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(entity => entity.PartitionKey == eventId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                rows.Add(row);
            }
            // The summary last: a sweep cut short leaves the summary, so the next one finds the event again.
            var ordered = rows.OrderBy(row => row.RowKey == EventRows.SummaryRow).ToList();
            foreach (var batch in ordered.Chunk(MaxTransaction))
            {
                await table.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All)), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        return expired.Count;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention sweep deleted {Events} events, {DeadLetters} dead letters and {Payloads} payload blobs")]
    private partial void LogSwept(int events, int deadLetters, int payloads);
}
