namespace Softr.Functions.Webhooks;

/// <summary>What claiming a <see cref="DeliveryKey"/> found.</summary>
public enum DeliveryClaimOutcome
{
    /// <summary>No delivery with this key within its window: a new event, with a new id.</summary>
    New,

    /// <summary>The same key within its window: the same event, under the id it was first given.</summary>
    Duplicate,

    /// <summary>An <c>Idempotency-Key</c> seen within its window with another body: refused (422).</summary>
    KeyReused,
}

/// <summary>The event a delivery is, by its key: its id, whether it was seen before, and when it was first (a repeat is the event received then).</summary>
public sealed record DeliveryClaim(string EventId, DeliveryClaimOutcome Outcome, DateTimeOffset FirstSeen);
