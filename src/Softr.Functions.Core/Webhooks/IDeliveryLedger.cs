namespace Softr.Functions.Webhooks;

/// <summary>
/// Remembers which sender events were received, so that a redelivery is answered with the original
/// event id and queued nothing. A delivery is claimed before it is queued and marked queued after, so
/// a claim whose queueing failed can be released and the sender's retry let through.
/// </summary>
public interface IDeliveryLedger
{
    /// <exception cref="DeliveryLedgerUnavailableException">Storage could not be reached.</exception>
    Task<DeliveryClaim> ClaimAsync(string hook, string dedupeKey, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Records that the claimed event is on the queue; from now on redeliveries are duplicates.</summary>
    Task MarkQueuedAsync(DeliveryClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Gives a claim up after queueing failed, so that the sender's retry is not taken for a duplicate.</summary>
    Task ReleaseAsync(DeliveryClaim claim, CancellationToken cancellationToken = default);
}

/// <summary>The ledger's answer for one delivery.</summary>
/// <param name="EventId">Ours for a new claim; the original event's for a duplicate.</param>
public sealed record DeliveryClaim(DeliveryClaimStatus Status, string EventId, string Hook, string DedupeKey);

public enum DeliveryClaimStatus
{
    /// <summary>First delivery (or a takeover of a claim abandoned mid-way): queue it.</summary>
    New,

    /// <summary>Received and queued before: answer with the original id, queue nothing.</summary>
    Duplicate,

    /// <summary>Another delivery of the same event is being queued right now: ask the sender to retry.</summary>
    InProgress,
}

/// <summary>The ledger's storage could not be reached; the delivery must be refused with 503.</summary>
public sealed class DeliveryLedgerUnavailableException(string message, Exception innerException) : Exception(message, innerException);
