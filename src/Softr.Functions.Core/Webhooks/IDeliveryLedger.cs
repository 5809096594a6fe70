using Softr.Functions.Events;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Remembers which sender events were received, so that a redelivery is answered with the original
/// event id and queues nothing. A delivery is claimed before it is queued and marked queued after, so a
/// claim whose queueing failed can be released and the sender's retry let through.
/// </summary>
/// <remarks>
/// The claim is the event's first status record: one storage write both deduplicates the delivery and
/// makes <c>GET /api/events/{id}</c> answer "accepted". Event ids are derived from the dedupe key
/// (<see cref="EventIds.ForDelivery"/>), so every delivery of one sender event carries the same id.
/// </remarks>
public interface IDeliveryLedger
{
    /// <exception cref="DeliveryLedgerUnavailableException">Storage could not be reached.</exception>
    Task<DeliveryClaim> ClaimAsync(EventEnvelope envelope, CancellationToken cancellationToken = default);

    /// <summary>Records that the claimed event is on the queue; from now on redeliveries are duplicates.</summary>
    Task MarkQueuedAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>Gives a claim up after queueing failed, so that the sender's retry is not taken for a duplicate.</summary>
    Task ReleaseAsync(string eventId, string reason, CancellationToken cancellationToken = default);
}

/// <summary>The ledger's answer for one delivery.</summary>
public sealed record DeliveryClaim(DeliveryClaimStatus Status, string EventId);

public enum DeliveryClaimStatus
{
    /// <summary>First delivery (or a takeover of a claim released or abandoned mid-way): queue it.</summary>
    New,

    /// <summary>Received and queued before: answer with the original id, queue nothing.</summary>
    Duplicate,

    /// <summary>Another delivery of the same event is being queued right now: ask the sender to retry.</summary>
    InProgress,
}

/// <summary>The ledger's storage could not be reached; the delivery must be refused with 503.</summary>
public sealed class DeliveryLedgerUnavailableException(string message, Exception innerException) : Exception(message, innerException);
