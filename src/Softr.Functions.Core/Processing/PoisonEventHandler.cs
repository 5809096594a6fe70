using Microsoft.Extensions.Logging;
using Softr.Functions.Events;

namespace Softr.Functions.Processing;

/// <summary>
/// Handles what the queue listener moved to the poison queue after <c>maxDequeueCount</c> failed
/// attempts (an exception processing did not expect, a process that kept dying, a message it could not
/// read): the event is dead-lettered with cause <c>poison</c> and the last error recorded for it, so it
/// shows in the event's status and can be replayed once the cause is fixed, instead of rotting unseen.
/// </summary>
public sealed partial class PoisonEventHandler(EventProgressStore progressStore, DeadLettering deadLettering, ILogger<PoisonEventHandler> logger)
{
    /// <remarks>
    /// A failure here (storage unreachable, say) is counted, logged as an error, and thrown: the runtime
    /// tries again, and after its last try moves the message to <see cref="Storage.QueueNames.EventsPoisonPoison"/>,
    /// where it is kept, shown by the queue-depth gauge and alerted on. It is never dropped.
    /// </remarks>
    public async Task HandleAsync(BinaryData message, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            await DeadLetterAsync(message, messageId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Telemetry.SoftrTelemetry.PoisonFailures.Add(1);
            LogPoisonFailed(exception, messageId);
            throw;
        }
    }

    private async Task DeadLetterAsync(BinaryData message, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        EventEnvelope envelope;
        try
        {
            envelope = EventEnvelopeSerializer.Deserialize(message);
        }
        catch (InvalidEventEnvelopeException unreadable)
        {
            await deadLettering.DeadLetterUnreadableAsync(messageId, message.ToArray(), unreadable.Message, cancellationToken).ConfigureAwait(false);
            return;
        }

        var lastError = (await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false)).Detail;
        var detail = $"failed every delivery the queue allows (maxDequeueCount); last recorded: {lastError ?? "nothing (the process may have died mid-attempt)"}";
        // No attempt holds the event (every delivery of its message failed): no lease to write under.
        await deadLettering.DeadLetterAsync(envelope, FailureCauses.Poison, detail, lease: null, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not dead-letter poison message {MessageId}; it will be tried again, then kept in events-poison-poison")]
    private partial void LogPoisonFailed(Exception exception, string messageId);
}
