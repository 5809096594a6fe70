using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// The events table store against Azurite: the claim is atomic, an abandoned claim is
/// taken over once, and the claim and processing's status records share one row without clobbering each other.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TableEventStoreTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private Azurite? _azurite;
    private TableEventStore _store = null!;
    private EventProgressStore _progress = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var tables = new TableServiceClient(_azurite.ConnectionString);
        _store = new TableEventStore(tables, _time);
        _progress = new EventProgressStore(tables, Options.Create(new ProcessingOptions()), _time, new Softr.Functions.Privacy.StepSecrets(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()));
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
        var envelope = Envelope("stripe", "evt_123");
        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _store.ClaimAsync(envelope)));

        Assert.Single(claims, claim => claim.Status == DeliveryClaimStatus.New);
        Assert.Equal(19, claims.Count(claim => claim.Status == DeliveryClaimStatus.InProgress));
        Assert.All(claims, claim => Assert.Equal(envelope.EventId, claim.EventId));

        await _store.MarkQueuedAsync(envelope.EventId);
        var later = await _store.ClaimAsync(envelope);

        Assert.Equal(DeliveryClaimStatus.Duplicate, later.Status);
    }

    [Fact]
    public async Task SameKeyOnAnotherHook_IsAnotherEvent()
    {
        var first = await _store.ClaimAsync(Envelope("stripe", "shared-key"));
        var second = await _store.ClaimAsync(Envelope("paddle", "shared-key"));

        Assert.Equal(DeliveryClaimStatus.New, first.Status);
        Assert.Equal(DeliveryClaimStatus.New, second.Status);
        Assert.NotEqual(first.EventId, second.EventId);
    }

    [Fact]
    public async Task ReleasedClaim_LetsTheRetryThrough_AndTheStatusShowsWhy()
    {
        var envelope = Envelope("tally", "evt_r");
        await _store.ClaimAsync(envelope);
        await _store.ReleaseAsync(envelope.EventId, "not queued: storage unavailable");

        var released = await _store.FindAsync(envelope.EventId);
        var retry = await _store.ClaimAsync(envelope);

        Assert.Equal(EventStatus.Failed, released!.Status);
        Assert.Contains(released.History, entry => entry.Detail == "not queued: storage unavailable");
        Assert.Equal(DeliveryClaimStatus.New, retry.Status);
    }

    [Fact]
    public async Task AbandonedClaim_IsTakenOverByExactlyOneRetry()
    {
        var envelope = Envelope("typeform", "evt_x");
        await _store.ClaimAsync(envelope);
        Assert.Equal(DeliveryClaimStatus.InProgress, (await _store.ClaimAsync(envelope)).Status);

        _time.Advance(TableEventStore.AbandonedAfter + TimeSpan.FromSeconds(1));
        var takers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _store.ClaimAsync(envelope)));

        Assert.Single(takers, claim => claim.Status == DeliveryClaimStatus.New);
    }

    [Fact]
    public async Task Claim_ShowsAsAccepted_AndProcessingStatusSurvivesALateQueuedMark()
    {
        var envelope = Envelope("stripe", "evt_race");
        await _store.ClaimAsync(envelope);
        var accepted = await _store.FindAsync(envelope.EventId);

        // Processing can pick the message up before ingestion has marked its claim queued.
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await _progress.FinishAttemptAsync(envelope, EventStatus.Succeeded, null, "user created", lease: null, CancellationToken.None);
        await _store.MarkQueuedAsync(envelope.EventId);
        var done = await _store.FindAsync(envelope.EventId);

        Assert.Equal(EventStatus.Accepted, accepted!.Status);
        Assert.Equal([EventStatus.Accepted], accepted.History.Select(entry => entry.Status));
        Assert.Equal(EventStatus.Succeeded, done!.Status);
        Assert.Equal([EventStatus.Accepted, EventStatus.Succeeded], done.History.Select(entry => entry.Status));
        Assert.Equal(DeliveryClaimStatus.Duplicate, (await _store.ClaimAsync(envelope)).Status);
    }

    [Fact]
    public async Task PendingClaimThatProcessingHasWritten_IsADuplicateNotATakeover()
    {
        // The mark after queueing was lost, but processing has run: the event was queued.
        var envelope = Envelope("stripe", "evt_lost_mark");
        await _store.ClaimAsync(envelope);
        Assert.NotNull(await _progress.BeginAttemptAsync(envelope, await _progress.ReadAsync(envelope.EventId, CancellationToken.None), "message-1", "attempt 1", CancellationToken.None));
        _time.Advance(TableEventStore.AbandonedAfter + TimeSpan.FromMinutes(1));

        Assert.Equal(DeliveryClaimStatus.Duplicate, (await _store.ClaimAsync(envelope)).Status);
    }

    private EventEnvelope Envelope(string hook, string dedupeKey) => new()
    {
        EventId = EventIds.ForDelivery(hook, dedupeKey),
        Hook = hook,
        Sender = hook,
        EventType = "test.event",
        ReceivedAt = _time.GetUtcNow(),
        CorrelationId = EventIds.ForDelivery(hook, dedupeKey),
        Payload = JsonSerializer.SerializeToElement(new { id = dedupeKey }),
    };
}
