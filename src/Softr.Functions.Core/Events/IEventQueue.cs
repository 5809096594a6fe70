namespace Softr.Functions.Events;

/// <summary>Durable hand-off from ingestion to processing.</summary>
public interface IEventQueue
{
    /// <summary>Returns only once the storage service has stored the message.</summary>
    /// <exception cref="EventQueueUnavailableException">Storage could not take the message.</exception>
    Task EnqueueAsync(string queueName, EventEnvelope envelope, CancellationToken cancellationToken = default);
}
