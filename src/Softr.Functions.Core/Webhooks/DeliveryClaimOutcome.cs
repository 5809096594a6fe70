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
