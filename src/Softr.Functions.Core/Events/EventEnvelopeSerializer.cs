using System.Text.Json;

namespace Softr.Functions.Events;

/// <summary>The one place the envelope is turned into queue bytes and back.</summary>
public static class EventEnvelopeSerializer
{
    /// <exception cref="UnwritableEventException">A value JSON cannot hold (found by the door's fuzz harness).</exception>
    public static BinaryData Serialize(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            return BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(envelope, EventsJsonContext.Default.EventEnvelope));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new UnwritableEventException($"Event {envelope.EventId} cannot be written as JSON: {exception.Message}", exception);
        }
    }

    /// <exception cref="InvalidEventEnvelopeException">The bytes are not an envelope this release can read.</exception>
    public static EventEnvelope Deserialize(BinaryData body)
    {
        EventEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body.ToMemory().Span, EventsJsonContext.Default.EventEnvelope);
        }
        catch (JsonException exception)
        {
            throw new InvalidEventEnvelopeException($"The queue message is not a valid event envelope: {exception.Message}", exception);
        }

        if (envelope is null)
        {
            throw new InvalidEventEnvelopeException("The queue message is empty or null.");
        }
        if (envelope.Version > EventEnvelope.CurrentVersion)
        {
            throw new InvalidEventEnvelopeException(
                $"Envelope version {envelope.Version} is newer than this release understands ({EventEnvelope.CurrentVersion}).");
        }
        return envelope;
    }
}
