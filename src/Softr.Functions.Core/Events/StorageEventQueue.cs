using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;

namespace Softr.Functions.Events;

/// <summary>
/// Sends envelopes to Azure Storage queues. The client must be built with
/// <see cref="QueueMessageEncoding.Base64"/>, the encoding host.json declares for the queue trigger:
/// a mismatch makes every message fail silently into the poison queue.
/// </summary>
public sealed class StorageEventQueue(QueueServiceClient queueService, IPayloadStore payloads) : IEventQueue
{
    /// <summary>
    /// The most a message may be before base64: a queue message is at most 64 KiB, and base64 makes
    /// 3 bytes into 4. Larger envelopes leave their payload in a blob.
    /// </summary>
    public const int MaxMessageBytes = 64 * 1024 / 4 * 3;

    /// <summary>Azure Storage's time-to-live for a message that never expires.</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    // Queues are created on first use so that a fresh storage account (Azurite, a new deployment)
    // works without a separate provisioning step. Remembered per process to keep it off the hot path.
    private readonly ConcurrentDictionary<string, QueueClient> _readyQueues = new(StringComparer.Ordinal);

    public Task EnqueueAsync(string queueName, EventEnvelope envelope, CancellationToken cancellationToken = default) =>
        EnqueueAsync(queueName, envelope, TimeSpan.Zero, cancellationToken);

    public Task EnqueueAsync(string queueName, EventEnvelope envelope, BinaryData message, CancellationToken cancellationToken = default) =>
        SendAsync(queueName, envelope, message, TimeSpan.Zero, cancellationToken);

    /// <exception cref="UnwritableEventException">The envelope cannot be written as JSON; nothing was stored.</exception>
    public Task EnqueueAsync(string queueName, EventEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken = default) =>
        // Written before storage is asked anything: what cannot be written is refused, not half-stored.
        SendAsync(queueName, envelope, EventEnvelopeSerializer.Serialize(envelope), delay, cancellationToken);

    private async Task SendAsync(string queueName, EventEnvelope envelope, BinaryData message, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            var queue = await GetReadyQueueAsync(queueName, cancellationToken).ConfigureAwait(false);
            if (message.ToMemory().Length > MaxMessageBytes)
            {
                var reference = await payloads.PutAsync(envelope.EventId, BinaryData.FromObjectAsJson(envelope.Payload), cancellationToken).ConfigureAwait(false);
                message = EventEnvelopeSerializer.Serialize(envelope with
                {
                    Version = EventEnvelope.CurrentVersion,
                    Payload = default,
                    PayloadReference = reference,
                });
            }
            // No expiry: the default of 7 days would delete, without a word, an event that a long Softr
            // outage or a stopped app kept from being processed (issue #13).
            await queue.SendMessageAsync(message, visibilityTimeout: delay > TimeSpan.Zero ? delay : null, timeToLive: NeverExpires,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new EventQueueUnavailableException($"Queue '{queueName}' did not accept the event: {exception.Message}", exception);
        }
    }

    private async Task<QueueClient> GetReadyQueueAsync(string queueName, CancellationToken cancellationToken)
    {
        if (_readyQueues.TryGetValue(queueName, out var ready))
        {
            return ready;
        }
        var queue = queueService.GetQueueClient(queueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return _readyQueues.GetOrAdd(queueName, queue);
    }
}
