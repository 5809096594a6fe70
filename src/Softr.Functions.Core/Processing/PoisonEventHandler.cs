using Microsoft.Extensions.Logging;
using Softr.Functions.Events;

namespace Softr.Functions.Processing;

/// <summary>
/// Handles what the queue listener moved to the poison queue after <c>maxDequeueCount</c> failed
/// attempts (an exception processing did not expect, a process that kept dying, a message it could not
/// read): the event is dead-lettered with cause <c>poison</c> and the last error recorded for it, so it
/// shows in the event's status and can be replayed once the cause is fixed, instead of rotting unseen.
/// </summary>
public sealed partial class PoisonEventHandler(EventProgressStore progressStore, DeadLetterStore deadLetters, TimeProvider time,
    ILogger<PoisonEventHandler> logger)
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
            // Kept as received, under the message id: listed for triage, never replayed.
            await deadLetters.AddAsync(new DeadLetter($"unreadable-{messageId}", "", "", FailureCauses.Poison, unreadable.Message, time.GetUtcNow()),
                message.ToArray(), cancellationToken).ConfigureAwait(false);
            LogUnreadable(messageId);
            return;
        }

        var lastError = (await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false)).Detail;
        var detail = $"failed every delivery the queue allows (maxDequeueCount); last recorded: {lastError ?? "nothing (the process may have died mid-attempt)"}";
        await deadLetters.AddAsync(new DeadLetter(envelope.EventId, envelope.Hook, envelope.EventType, FailureCauses.Poison, detail, time.GetUtcNow())
        {
            Envelope = envelope,
        }, rawMessage: null, cancellationToken).ConfigureAwait(false);
        await progressStore.FinishAttemptAsync(envelope, EventStatus.DeadLettered, FailureCauses.Poison, detail, cancellationToken).ConfigureAwait(false);
        Telemetry.SoftrTelemetry.DeadLetters.Add(1, new("cause", FailureCauses.Poison), new("hook", envelope.Hook));
        LogPoison(envelope.EventId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} reached the poison queue; dead-lettered with cause poison")]
    private partial void LogPoison(string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not dead-letter poison message {MessageId}; it will be tried again, then kept in events-poison-poison")]
    private partial void LogPoisonFailed(Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable message {MessageId} reached the poison queue; kept in the dead letters")]
    private partial void LogUnreadable(string messageId);
}
