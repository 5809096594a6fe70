using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Privacy;

/// <summary>What an erase request found, and (unless a dry run) deleted. The address is shown masked.</summary>
public sealed record ErasureReport(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("deadLetters")] int DeadLetters,
    [property: JsonPropertyName("payloads")] int Payloads);

/// <summary>
/// Erases one person's data, the answer to a data-subject request: every event the person index lists
/// for the e-mail (the whole partition: status, history, step results), its dead letter and its payload
/// blob, then the index rows. Found through the index, not a scan. What Softr itself holds is not
/// touched: erase it in Softr.
/// </summary>
public sealed partial class PersonEraser(PersonIndex index, TableServiceClient tables, BlobServiceClient blobs, DeadLetterStore deadLetters, EventIndex eventIndex,
    ILogger<PersonEraser> logger)
{
    public async Task<ErasureReport> EraseAsync(string email, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var events = await index.FindAsync(email, cancellationToken).ConfigureAwait(false);
        var letters = 0;
        var payloads = 0;
        var table = tables.GetTableClient(TableNames.Events);
        var container = blobs.GetBlobContainerClient(ContainerNames.Payloads);
        foreach (var eventId in events)
        {
            var letter = await deadLetters.GetAsync(eventId, cancellationToken).ConfigureAwait(false);
            var blob = container.GetBlobClient($"{eventId}.json");
            var hasBlob = await ExistsAsync(blob, cancellationToken).ConfigureAwait(false);
            letters += letter is null ? 0 : 1;
            payloads += hasBlob ? 1 : 0;
            if (dryRun)
            {
                continue;
            }
            if (letter is not null)
            {
                await deadLetters.RemoveAsync(eventId, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            if (hasBlob)
            {
                await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            var summary = await table.GetEntityIfExistsAsync<TableEntity>(eventId, EventRows.SummaryRow, [EventRows.ReceivedAt], cancellationToken).ConfigureAwait(false);
            if (summary.HasValue && summary.Value!.GetDateTimeOffset(EventRows.ReceivedAt) is { } receivedAt)
            {
                await eventIndex.RemoveAsync(eventId, receivedAt, cancellationToken).ConfigureAwait(false);
            }
            await DeletePartitionAsync(table, eventId, cancellationToken).ConfigureAwait(false);
        }
        if (!dryRun)
        {
            await index.ForgetAsync(email, events, cancellationToken).ConfigureAwait(false);
            LogErased(events.Count, LogText.MaskEmails(email));
        }
        return new ErasureReport(LogText.MaskEmails(email), dryRun, events, letters, payloads);
    }

    private static async Task DeletePartitionAsync(TableClient table, string eventId, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(entity => entity.PartitionKey == eventId, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return;
        }
        foreach (var batch in rows.Chunk(100))
        {
            await table.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All)), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static async Task<bool> ExistsAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return await blob.ExistsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erased {Events} events holding {Email}")]
    private partial void LogErased(int events, string email);
}
