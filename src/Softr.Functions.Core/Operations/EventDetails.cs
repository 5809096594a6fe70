using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Azure;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Processing;

namespace Softr.Functions.Operations;

/// <summary>
/// One event's page in the console, <c>GET /api/manage/events/{id}</c>: its status, history and steps
/// (each with its Softr calls), its payload and its plan, both masked, and whether it can be replayed.
/// </summary>
public sealed record EventDetail(
    [property: JsonPropertyName("event")] EventRecord Event,
    [property: JsonPropertyName("payload")] JsonNode? Payload,
    [property: JsonPropertyName("payloadNote")] string? PayloadNote,
    [property: JsonPropertyName("plan")] JsonNode? Plan,
    [property: JsonPropertyName("replayable")] bool Replayable);

/// <summary>
/// Reads an <see cref="EventDetail"/>: the record from the events table, the masked payload and plan from
/// the events list's row (written by processing at the end of each attempt, dead-lettering included), and
/// a payload too large for the envelope from its blob (masked here).
/// </summary>
public sealed class EventDetails(IEventLog log, EventIndex index, DeadLetterStore deadLetters, IPayloadStore payloads)
{
    public async Task<EventDetail?> FindAsync(string eventId, CancellationToken cancellationToken)
    {
        if (await log.FindAsync(eventId, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }
        var (payload, plan) = await index.GetShownAsync(eventId, record.ReceivedAt, cancellationToken).ConfigureAwait(false);
        var shownPayload = Parse(payload);
        string? note = null;
        if (shownPayload is null && record.Status != EventStatus.Accepted)
        {
            // Too large for the envelope, so not on the list's row: the payload is in its blob.
            (shownPayload, note) = await FromBlobAsync(BlobPayloadStore.NameOf(eventId), cancellationToken).ConfigureAwait(false);
        }
        if (shownPayload is null && note is null)
        {
            note = record.Status is EventStatus.Accepted
                ? "Not processed yet: the payload is shown once the first attempt ends."
                : "No payload is kept for this event (it was processed before payloads were kept for the console, or it has been erased).";
        }
        // A dead letter whose message could not be read has no envelope to send again.
        var replayable = record.Status == EventStatus.DeadLettered
            && (await deadLetters.GetAsync(eventId, cancellationToken).ConfigureAwait(false))?.Envelope is not null;
        return new EventDetail(record, shownPayload, note, Parse(plan), replayable);
    }

    private async Task<(JsonNode? Payload, string? Note)> FromBlobAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            var blob = await payloads.GetAsync(reference, cancellationToken).ConfigureAwait(false);
            return (PersonalDataMasker.Mask(JsonNode.Parse(blob.ToMemory().Span)), null);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return (null, null);
        }
        catch (JsonException)
        {
            return (null, "The payload's blob is not JSON.");
        }
    }

    private static JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}
