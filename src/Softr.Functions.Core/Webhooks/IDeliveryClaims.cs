namespace Softr.Functions.Webhooks;

/// <summary>
/// The door's memory of deliveries from senders without event ids (<see cref="DeliveryKey"/>): which key
/// was first seen when, under which event id. One storage operation for a new delivery, two for a repeat.
/// </summary>
public interface IDeliveryClaims
{
    /// <summary>The event <paramref name="key"/> is on <paramref name="hook"/> at <paramref name="now"/>: new, or the one it repeats.</summary>
    /// <exception cref="Events.EventQueueUnavailableException">Storage could not be reached: nothing was claimed, the sender is told to retry.</exception>
    Task<DeliveryClaim> ClaimAsync(string hook, DeliveryKey key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets a new claim whose event could not be queued, so the sender's retry is new too. Best effort.</summary>
    Task ReleaseAsync(string hook, DeliveryKey key, string eventId, CancellationToken cancellationToken);
}
