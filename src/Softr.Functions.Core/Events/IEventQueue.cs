namespace Softr.Functions.Events;

/// <summary>Durable hand-off from ingestion to processing.</summary>
public interface IEventQueue
{
    /// <summary>Returns only once the storage service has stored the message.</summary>
    /// <exception cref="EventQueueUnavailableException">Storage could not take the message.</exception>
    /// <exception cref="UnwritableEventException">The envelope cannot be written as a message; nothing was stored.</exception>
    Task EnqueueAsync(string queueName, EventEnvelope envelope, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="EnqueueAsync(string, EventEnvelope, CancellationToken)"/>, with the envelope already written as
    /// <paramref name="message"/> (<see cref="EventEnvelopeSerializer.Serialize"/>): the door writes it once, to refuse
    /// what cannot be written before it claims or stores anything, and hands the bytes on.
    /// </summary>
    Task EnqueueAsync(string queueName, EventEnvelope envelope, BinaryData message, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="EnqueueAsync(string, EventEnvelope, CancellationToken)"/>, with the message invisible for <paramref name="delay"/> first.</summary>
    Task EnqueueAsync(string queueName, EventEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken = default);
}
