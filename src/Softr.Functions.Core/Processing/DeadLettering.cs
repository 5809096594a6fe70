using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Privacy;
using Softr.Functions.Telemetry;

namespace Softr.Functions.Processing;

/// <summary>
/// Gives up on an event, the one way for processing and the poison handler alike: the event's people
/// indexed if no attempt did (a letter holds the payload, and an erasure finds events only through the
/// index), the dead-letter index row (with the envelope, for replay), then the event's status with the
/// cause, under the lease of the attempt that gives up, then the metric and the log line the
/// <c>dead-letters</c> alert counts. A payload kept in a blob is touched, so that it is kept (by its last
/// change) as long as its dead letter. An event naming a person erased since it came is dropped instead.
/// </summary>
public sealed partial class DeadLettering(DeadLetterStore deadLetters, EventProgressStore progressStore, EventPersonalData personalData, IPayloadStore payloads,
    PersonIndex personIndex, TimeProvider time, ILogger<DeadLettering> logger)
{
    /// <param name="lease">The hold on the event of the attempt (or the poison handler) that gives up: the status is written only while it is held.</param>
    /// <exception cref="LeaseLostException">Another attempt holds the event now, or it was erased: its dead-letter row is taken back and nothing else is written.</exception>
    /// <param name="plan">The attempt's plan as the event's page shows it; null keeps the one recorded before.</param>
    /// <returns>True when dead-lettered; false when the event names a person erased since it came, and was tombstoned and dropped instead.</returns>
    public async Task<bool> DeadLetterAsync(EventEnvelope envelope, string cause, string detail, EventLease lease, string? plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(lease);
        // Softr's error texts name the user: a dead letter (and the status beside it) keeps the cause, not the address.
        detail = LogText.MaskEmails(detail);
        // Still ours, and for a whole lease more: no other attempt can be writing this index row now.
        await progressStore.RenewAsync(lease, started: null, cancellationToken).ConfigureAwait(false);
        if (!await IndexPeopleAsync(envelope, lease, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        // The index row before the status: if the status write is lost, the message is redelivered and ends here again.
        var written = await deadLetters.AddAsync(new DeadLetter(envelope.EventId, envelope.Hook, envelope.EventType, cause, detail, time.GetUtcNow()) { Envelope = envelope },
            rawMessage: null, cancellationToken).ConfigureAwait(false);
        try
        {
            await progressStore.FinishAttemptAsync(envelope, EventStatus.DeadLettered, cause, detail, lease, plan, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseLostException)
        {
            // The attempt that holds the event decides its outcome (or the event was erased): this verdict must not stand in the index.
            await deadLetters.RemoveAsync(envelope.EventId, written, cancellationToken).ConfigureAwait(false);
            throw;
        }
        if (envelope.PayloadReference is { } reference)
        {
            await payloads.TouchAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        SoftrTelemetry.DeadLetters.Add(1, new("cause", cause), new("hook", envelope.Hook));
        LogDeadLettered(envelope.EventId, cause);
        return true;
    }

    /// <summary>
    /// Indexes the event's people if no attempt did (each died first, or failed before it could): false when one
    /// of them was erased since the event came, and the event is tombstoned and its copy dropped.
    /// </summary>
    private async Task<bool> IndexPeopleAsync(EventEnvelope envelope, EventLease lease, CancellationToken cancellationToken)
    {
        var progress = await progressStore.ReadAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
        if (progress.People is not null)
        {
            return true;
        }
        try
        {
            await personalData.LoadAsync(envelope, progress, lease, cancellationToken).ConfigureAwait(false);
        }
        catch (PermanentFailureException)
        {
            // The payload's blob is gone (nothing left to index) or is not JSON (its text was indexed): the letter is written.
        }
        catch (EventErasedException erased)
        {
            await progressStore.TombstoneAsync(envelope.EventId, envelope.Hook, envelope.EventType, envelope.ReceivedAt, erased.Person, lease, cancellationToken)
                .ConfigureAwait(false);
            await personalData.DropErasedCopyAsync(envelope).ConfigureAwait(false);
            LogErasedNotDeadLettered(envelope.EventId);
            return false;
        }
        return true;
    }

    /// <summary>
    /// A message that is not an event at all: kept as received under its message id, listed for triage, never
    /// replayed. The addresses in it are indexed, so that an erase request finds it too.
    /// </summary>
    public async Task DeadLetterUnreadableAsync(string messageId, byte[] message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = $"unreadable-{messageId}";
        var people = await personIndex.IndexTextAsync(id, System.Text.Encoding.UTF8.GetString(message), cancellationToken).ConfigureAwait(false);
        await deadLetters.AddAsync(new DeadLetter(id, "", "", FailureCauses.Poison, reason, time.GetUtcNow()) { People = people }, message, cancellationToken)
            .ConfigureAwait(false);
        SoftrTelemetry.DeadLetters.Add(1, new("cause", FailureCauses.Poison), new("hook", ""));
        LogUnreadable(messageId);
    }

    // "dead-lettered" in both messages: the dead-letters alert (infra/alerts.bicep) counts them.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} dead-lettered: {Cause}")]
    private partial void LogDeadLettered(string eventId, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} not dead-lettered but dropped: it names a person erased since it was received")]
    private partial void LogErasedNotDeadLettered(string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable message {MessageId} dead-lettered: poison")]
    private partial void LogUnreadable(string messageId);
}
