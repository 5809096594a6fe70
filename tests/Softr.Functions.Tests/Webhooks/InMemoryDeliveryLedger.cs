using System.Collections.Concurrent;
using Softr.Functions.Events;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// A ledger in memory with the table ledger's rules (atomic claim, duplicate once queued, in progress
/// while pending, released claims taken over), for ingestor tests. The table ledger itself is tested
/// against Azurite.
/// </summary>
internal sealed class InMemoryDeliveryLedger : IDeliveryLedger
{
    private enum State { Pending, Queued, Released }

    private readonly ConcurrentDictionary<string, State> _claims = new();

    public bool Unavailable { get; set; }

    /// <summary>How many events have a claim (pending, queued or released).</summary>
    public int Count => _claims.Count;

    public List<(string EventId, string Reason)> Releases { get; } = [];

    public Task<DeliveryClaim> ClaimAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            throw new DeliveryLedgerUnavailableException("down", new InvalidOperationException());
        }
        var won = false;
        var state = _claims.AddOrUpdate(envelope.EventId,
            _ => { won = true; return State.Pending; },
            (_, existing) => existing == State.Released ? Take(ref won) : existing);
        var status = won ? DeliveryClaimStatus.New : state == State.Queued ? DeliveryClaimStatus.Duplicate : DeliveryClaimStatus.InProgress;
        return Task.FromResult(new DeliveryClaim(status, envelope.EventId));
    }

    public Task MarkQueuedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        _claims[eventId] = State.Queued;
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string eventId, string reason, CancellationToken cancellationToken = default)
    {
        Releases.Add((eventId, reason));
        _claims[eventId] = State.Released;
        return Task.CompletedTask;
    }

    private static State Take(ref bool won)
    {
        won = true;
        return State.Pending;
    }
}
