using System.Collections.Concurrent;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// A ledger in memory with the table ledger's rules (atomic claim, duplicate once queued, in progress
/// while pending), for ingestor tests. The table ledger itself is tested against Azurite.
/// </summary>
internal sealed class InMemoryDeliveryLedger : IDeliveryLedger
{
    private readonly ConcurrentDictionary<(string, string), (string EventId, bool Queued)> _rows = new();

    public bool Unavailable { get; set; }

    public int Releases { get; private set; }

    public Task<DeliveryClaim> ClaimAsync(string hook, string dedupeKey, string eventId, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            throw new DeliveryLedgerUnavailableException("down", new InvalidOperationException());
        }
        var row = _rows.GetOrAdd((hook, dedupeKey), (eventId, false));
        var status = row.EventId == eventId && !row.Queued ? DeliveryClaimStatus.New
            : row.Queued ? DeliveryClaimStatus.Duplicate : DeliveryClaimStatus.InProgress;
        return Task.FromResult(new DeliveryClaim(status, row.EventId, hook, dedupeKey));
    }

    public Task MarkQueuedAsync(DeliveryClaim claim, CancellationToken cancellationToken = default)
    {
        _rows[(claim.Hook, claim.DedupeKey)] = (claim.EventId, true);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(DeliveryClaim claim, CancellationToken cancellationToken = default)
    {
        Releases++;
        _rows.TryRemove((claim.Hook, claim.DedupeKey), out _);
        return Task.CompletedTask;
    }
}
