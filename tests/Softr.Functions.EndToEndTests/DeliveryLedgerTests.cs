using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;

namespace Softr.Functions.EndToEndTests;

/// <summary>The Table storage ledger against Azurite: the claim is atomic, and an abandoned claim can be taken over once.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DeliveryLedgerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private Azurite? _azurite;
    private TableDeliveryLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _ledger = new TableDeliveryLedger(new TableServiceClient(_azurite.ConnectionString), _time);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwentyConcurrentClaims_OneWins_AndOnceQueuedTheRestAreDuplicates()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _ledger.ClaimAsync("stripe", "evt_123", $"evt_ours_{i}")));

        var winner = Assert.Single(claims, claim => claim.Status == DeliveryClaimStatus.New);
        Assert.All(claims.Where(claim => claim != winner), claim =>
        {
            Assert.Equal(DeliveryClaimStatus.InProgress, claim.Status);
            Assert.Equal(winner.EventId, claim.EventId);
        });

        await _ledger.MarkQueuedAsync(winner);
        var later = await _ledger.ClaimAsync("stripe", "evt_123", "evt_ours_late");

        Assert.Equal((DeliveryClaimStatus.Duplicate, winner.EventId), (later.Status, later.EventId));
    }

    [Fact]
    public async Task SameKeyOnAnotherHook_IsAnotherEvent()
    {
        var first = await _ledger.ClaimAsync("stripe", "shared-key", "evt_a");
        var second = await _ledger.ClaimAsync("paddle", "shared-key", "evt_b");

        Assert.Equal(DeliveryClaimStatus.New, first.Status);
        Assert.Equal(DeliveryClaimStatus.New, second.Status);
    }

    [Fact]
    public async Task ReleasedClaim_LetsTheRetryThrough()
    {
        var first = await _ledger.ClaimAsync("tally", "evt_r", "evt_1");
        await _ledger.ReleaseAsync(first);

        var retry = await _ledger.ClaimAsync("tally", "evt_r", "evt_2");

        Assert.Equal((DeliveryClaimStatus.New, "evt_2"), (retry.Status, retry.EventId));
    }

    [Fact]
    public async Task AbandonedClaim_IsTakenOverByExactlyOneRetry()
    {
        await _ledger.ClaimAsync("typeform", "evt_x", "evt_dead");
        Assert.Equal(DeliveryClaimStatus.InProgress, (await _ledger.ClaimAsync("typeform", "evt_x", "evt_early")).Status);

        _time.Advance(TableDeliveryLedger.AbandonedAfter + TimeSpan.FromSeconds(1));
        var takers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => _ledger.ClaimAsync("typeform", "evt_x", $"evt_taker_{i}")));

        Assert.Single(takers, claim => claim.Status == DeliveryClaimStatus.New);
    }
}
