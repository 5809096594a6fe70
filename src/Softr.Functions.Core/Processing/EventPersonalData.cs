using System.Text.Json;
using Azure;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Processing;

/// <summary>
/// An event's payload and the people it names, as whoever first takes the event handles them: an attempt, or
/// the poison handler when every attempt died before indexing (a dead letter holds the payload, and an erasure
/// finds events only through the person index, so nothing may be dead-lettered unindexed).
/// </summary>
public sealed class EventPersonalData(IPayloadStore payloads, PersonIndex personIndex, EventProgressStore progressStore)
{
    /// <summary>
    /// The envelope with its payload in it (read from its blob when it was kept in one); its people indexed, and
    /// recorded on the event under <paramref name="lease"/>, when nobody did before. A blob that is not JSON is
    /// indexed by the addresses in its text, then refused.
    /// </summary>
    /// <exception cref="EventErasedException">A person the event names was erased after it was received.</exception>
    /// <exception cref="PermanentFailureException">The payload's blob is gone (<c>not-found</c>) or is not JSON (<c>invalid-input</c>).</exception>
    public async Task<EventEnvelope> LoadAsync(EventEnvelope envelope, EventProgress progress, EventLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(lease);
        var (loaded, unreadable) = await WithPayloadAsync(envelope, cancellationToken).ConfigureAwait(false);
        if (progress.People is null)
        {
            var (people, erased) = unreadable is not null
                ? await personIndex.IndexTextAsync(envelope.EventId, unreadable, envelope.ReceivedAt, cancellationToken).ConfigureAwait(false)
                : await personIndex.IndexAsync(envelope.EventId, loaded.Payload, envelope.ReceivedAt, cancellationToken).ConfigureAwait(false);
            if (erased is not null)
            {
                throw new EventErasedException(envelope.EventId, erased);
            }
            await progressStore.RenewAsync(lease, started: null, cancellationToken, people).ConfigureAwait(false);
        }
        else
        {
            // Indexed under a key the ring has since lost: an erasure could not find the event, but left its marker.
            var emails = unreadable is not null ? EmailAddresses.FindIn(unreadable) : PersonIndex.EmailsIn(loaded.Payload);
            if (await personIndex.ErasedUnderAnotherKeyAsync(emails, progress.PersonKeys, envelope.ReceivedAt, cancellationToken).ConfigureAwait(false) is { } erasedSince)
            {
                throw new EventErasedException(envelope.EventId, erasedSince);
            }
        }
        if (unreadable is not null)
        {
            throw new PermanentFailureException(FailureCauses.InvalidInput, $"The event's payload blob '{envelope.PayloadReference}' is not JSON.");
        }
        return loaded;
    }

    /// <summary>
    /// A copy of an erased event let go: its payload blob (a redelivery may have written one again) is deleted,
    /// and the drop counted (<c>softr.erased.dropped</c>).
    /// </summary>
    public async Task DropErasedCopyAsync(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.PayloadReference is { } reference)
        {
            await payloads.DeleteAsync(reference, CancellationToken.None).ConfigureAwait(false);
        }
        SoftrTelemetry.ErasedDropped.Add(1, new KeyValuePair<string, object?>("hook", envelope.Hook));
    }

    /// <summary>The envelope with its blob's payload in it; or, for a blob that is not JSON, its text (the envelope as it was).</summary>
    private async Task<(EventEnvelope Loaded, string? Unreadable)> WithPayloadAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.PayloadReference is not { } reference)
        {
            return (envelope, null);
        }
        BinaryData payload;
        try
        {
            payload = await payloads.GetAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            throw new PermanentFailureException(FailureCauses.NotFound, $"The event's payload blob '{reference}' is gone.", missing);
        }
        try
        {
            return (envelope with { Payload = payload.ToObjectFromJson<JsonElement>(), PayloadReference = null }, null);
        }
        catch (JsonException)
        {
            return (envelope, payload.ToString());
        }
    }
}
