using System.Collections.Concurrent;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// The door's delivery claims in memory, with the table store's rules (a key is new, a repeat within its
/// window, or a header key reused with another body), for tests and benchmarks of the door without storage.
/// </summary>
internal sealed class InMemoryDeliveryClaims : IDeliveryClaims
{
    private readonly ConcurrentDictionary<(string Hook, string Source, string Hash), (string EventId, DateTimeOffset Expires, string BodyHash, DateTimeOffset FirstSeen)> _claims = new();

    /// <summary>When set, every claim fails as storage would (the door answers 503).</summary>
    public bool Unavailable { get; set; }

    public int Count => _claims.Count;

    public Task<DeliveryClaim> ClaimAsync(string hook, DeliveryKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Unavailable)
        {
            throw new EventQueueUnavailableException("storage is down (test)", new InvalidOperationException());
        }
        lock (_claims)
        {
            var id = (hook, key.Source, key.Hash);
            if (_claims.TryGetValue(id, out var seen) && seen.Expires > now)
            {
                return Task.FromResult(key.RefusesOtherBodies && seen.BodyHash != key.BodyHash
                    ? new DeliveryClaim(seen.EventId, DeliveryClaimOutcome.KeyReused, seen.FirstSeen)
                    : new DeliveryClaim(seen.EventId, DeliveryClaimOutcome.Duplicate, seen.FirstSeen));
            }
            var eventId = EventIds.ForDelivery(hook, $"{key.Source}|{key.Hash}@{now.UtcTicks}");
            _claims[id] = (eventId, now + key.Window, key.BodyHash, now);
            return Task.FromResult(new DeliveryClaim(eventId, DeliveryClaimOutcome.New, now));
        }
    }

    public Task ReleaseAsync(string hook, DeliveryKey key, string eventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_claims)
        {
            if (_claims.TryGetValue((hook, key.Source, key.Hash), out var seen) && seen.EventId == eventId)
            {
                _claims.TryRemove((hook, key.Source, key.Hash), out _);
            }
        }
        return Task.CompletedTask;
    }
}
