using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Processing;

/// <summary>An event processing gave up on, as the dead-letter listing shows it (never the payload).</summary>
public sealed record DeadLetter(
    [property: JsonPropertyName("eventId")] string EventId,
    [property: JsonPropertyName("hook")] string Hook,
    [property: JsonPropertyName("type")] string EventType,
    [property: JsonPropertyName("cause")] string Cause,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("deadLetteredAt")] DateTimeOffset DeadLetteredAt)
{
    /// <summary>The envelope to send again on replay; null for a message that could not be read at all.</summary>
    [JsonIgnore]
    public EventEnvelope? Envelope { get; init; }
}

/// <summary>Which dead letters a bulk replay or a listing takes; every part optional.</summary>
public sealed record DeadLetterFilter(string? Cause = null, string? Hook = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public bool Matches(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return (Cause is null || string.Equals(letter.Cause, Cause, StringComparison.OrdinalIgnoreCase))
            && (Hook is null || string.Equals(letter.Hook, Hook, StringComparison.Ordinal))
            && (From is null || letter.DeadLetteredAt >= From)
            && (To is null || letter.DeadLetteredAt < To);
    }
}

/// <summary>
/// The dead-letter index: one row per event processing gave up on, with its cause and its envelope
/// (an inline envelope is at most 48 KiB; larger payloads are already in a blob), so that replay needs
/// nothing else. One partition: dead letters are few, and a filter over them is one query.
/// </summary>
public sealed class DeadLetterStore(TableServiceClient tables)
{
    private const string Partition = "deadletter";
    private const string EnvelopeColumn = "Envelope";

    private readonly ReadyTable _ready = new(tables, TableNames.DeadLetters);

    /// <returns>The row's ETag, to take it back only if nothing wrote it since.</returns>
    public async Task<ETag> AddAsync(DeadLetter letter, byte[]? rawMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Partition, letter.EventId)
        {
            [nameof(DeadLetter.Hook)] = letter.Hook,
            [nameof(DeadLetter.EventType)] = letter.EventType,
            [nameof(DeadLetter.Cause)] = letter.Cause,
            [nameof(DeadLetter.Detail)] = StorageLimits.Cut(letter.Detail),
            [nameof(DeadLetter.DeadLetteredAt)] = letter.DeadLetteredAt,
            [EnvelopeColumn] = letter.Envelope is { } envelope ? EventEnvelopeSerializer.Serialize(envelope).ToArray() : rawMessage,
        };
        var response = await _ready.Client.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return response.Headers.ETag ?? ETag.All;
    }

    public async Task<DeadLetter?> GetAsync(string eventId, CancellationToken cancellationToken)
    {
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = await _ready.Client.GetEntityIfExistsAsync<TableEntity>(Partition, eventId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>The dead letters <paramref name="filter"/> takes, oldest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter filter, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _ready.GetAsync(cancellationToken).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        await foreach (var row in _ready.Client.QueryAsync<TableEntity>(entity => entity.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var letter = Read(row);
            if (filter.Matches(letter))
            {
                letters.Add(letter);
            }
        }
        return [.. letters.OrderBy(letter => letter.DeadLetteredAt).Take(max)];
    }

    /// <param name="ifMatch">Only if the row is still as this ETag; <see cref="ETag.All"/> for any.</param>
    public async Task RemoveAsync(string eventId, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Client.DeleteEntityAsync(Partition, eventId, ifMatch, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException changed) when (changed.Status == 412)
        {
            // Written again since (another attempt dead-lettered it): that row stands.
        }
    }

    private static DeadLetter Read(TableEntity row)
    {
        EventEnvelope? envelope = null;
        if (row.GetBinary(EnvelopeColumn) is { } bytes)
        {
            try
            {
                envelope = EventEnvelopeSerializer.Deserialize(BinaryData.FromBytes(bytes));
            }
            catch (InvalidEventEnvelopeException)
            {
                // An unreadable message is listed with its cause, and cannot be replayed.
            }
        }
        return new DeadLetter(row.RowKey, row.GetString(nameof(DeadLetter.Hook)) ?? "", row.GetString(nameof(DeadLetter.EventType)) ?? "",
            row.GetString(nameof(DeadLetter.Cause)) ?? "", row.GetString(nameof(DeadLetter.Detail)) ?? "",
            row.GetDateTimeOffset(nameof(DeadLetter.DeadLetteredAt)) ?? DateTimeOffset.MinValue)
        {
            Envelope = envelope,
        };
    }

}
