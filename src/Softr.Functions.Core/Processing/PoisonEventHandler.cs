using Microsoft.Extensions.Logging;
using Softr.Functions.Events;

namespace Softr.Functions.Processing;

/// <summary>
/// Handles what the queue listener moved to the poison queue after <c>maxDequeueCount</c> failed
/// attempts (an exception processing did not expect, a process that kept dying, a message it could not
/// read): the event is dead-lettered with cause <c>poison</c> and the last error recorded for it, so it
/// shows in the event's status and can be replayed once the cause is fixed, instead of rotting unseen. An
/// event no attempt indexed (each died first) is indexed as it is dead-lettered (<see cref="DeadLettering"/>),
/// so that an erasure finds its letter; one naming a person erased since it came is dropped instead.
/// </summary>
public sealed partial class PoisonEventHandler(EventProgressStore progressStore, DeadLettering deadLettering, StorageOutage outage, TimeProvider time,
    ILogger<PoisonEventHandler> logger)
{
    /// <summary>Past a lease's end before the poison copy looks again: clocks of instances differ a little.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);

    /// <remarks>
    /// A failure here (storage unreachable, say) is counted, logged as an error, and thrown: the runtime
    /// tries again, and after its last try moves the message to <see cref="Storage.QueueNames.EventsPoisonPoison"/>,
    /// where it is kept, shown by the queue-depth gauge and alerted on. It is never dropped.
    /// </remarks>
    public async Task HandleAsync(BinaryData message, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            await outage.RideOutAsync(token => DeadLetterAsync(message, messageId, token), cancellationToken).ConfigureAwait(false);
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

        // The poison copy takes the event as an attempt would, and only as one could: never over an outcome
        // another copy wrote (succeeded, dead-lettered, erased), nor from a copy that holds it now.
        var waited = false;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var progress = await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
            if (progress.Status is EventStatus.Succeeded or EventStatus.DeadLettered or EventStatus.Erased)
            {
                LogAlreadyDecided(envelope.EventId, progress.Status.Value);
                return;
            }
            if (progress.LeaseHolder is not null && progress.LeaseUntil is { } until && until > time.GetUtcNow())
            {
                if (waited)
                {
                    // Held still, or again, after its lease ran out: a running copy renews it and decides. Its own message carries the event on.
                    LogHeldElsewhere(envelope.EventId);
                    return;
                }
                // Held by a running copy, or by an attempt whose process died (this message's last one, often: a process
                // killed mid-attempt is what poisons a message), whose lease lapses unrenewed. Dropping this copy then
                // would lose the event (found by the processing simulation), so the lease is waited out, and looked at again.
                waited = true;
                await Task.Delay(until - time.GetUtcNow() + LeaseMargin, time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var detail = $"failed every delivery the queue allows (maxDequeueCount); last recorded: {progress.Detail ?? "nothing (the process may have died mid-attempt)"}";
            if (await progressStore.BeginAttemptAsync(envelope with { Failures = Math.Max(envelope.Failures, progress.Failures) }, progress, $"poison/{messageId}",
                "taken by the poison handler", cancellationToken).ConfigureAwait(false) is { } lease)
            {
                // No plan of its own: the event keeps the one its last attempt recorded.
                await deadLettering.DeadLetterAsync(envelope, FailureCauses.Poison, detail, lease, plan: null, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        throw new InvalidOperationException($"Event {envelope.EventId} kept changing while the poison handler tried to take it; the runtime tries again.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Poison copy of event {EventId} dropped: the event is already {Status}")]
    private partial void LogAlreadyDecided(string eventId, EventStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Poison copy of event {EventId} dropped: another copy holds the event and decides it")]
    private partial void LogHeldElsewhere(string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not dead-letter poison message {MessageId}; it will be tried again, then kept in events-poison-poison")]
    private partial void LogPoisonFailed(Exception exception, string messageId);
}
