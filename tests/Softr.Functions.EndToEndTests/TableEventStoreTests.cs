using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Options;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Testing;

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
        _store = new TableEventStore(tables);
        _progress = new EventProgressStore(tables, Options.Create(new ProcessingOptions()), _time, new EventIndex(tables));
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwentyCopiesOfAFirstDelivery_OneAttemptTakesTheEvent_TheOthersAreTurnedAway()
    {
        // The door writes nothing but the queue message (D28): processing's first write is the dedupe.
        var envelope = Envelope("stripe", "evt_123");
        var nothing = await _progress.ReadAsync(envelope.EventId, CancellationToken.None);

        var leases = await Task.WhenAll(Enumerable.Range(0, 20).Select(copy =>
            _progress.BeginAttemptAsync(envelope, nothing, $"message-{copy}", "attempt 1", CancellationToken.None)));

        Assert.Null(nothing.Status);
        Assert.Single(leases, lease => lease is not null);
    }

    [Fact]
    public void SameKeyOnAnotherHook_IsAnotherEvent() =>
        Assert.NotEqual(Envelope("stripe", "shared-key").EventId, Envelope("paddle", "shared-key").EventId);

    [Fact]
    public async Task AnEvent_IsUnknownUntilProcessingPicksItUp_ThenShowsItsReceiptAndEveryChange()
    {
        var envelope = Envelope("stripe", "evt_race");
        var before = await _store.FindAsync(envelope.EventId);

        _time.Advance(TimeSpan.FromMilliseconds(5));
        var lease = await _progress.BeginAttemptAsync(envelope, await _progress.ReadAsync(envelope.EventId, CancellationToken.None), "message-1", "attempt 1", CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        await _progress.FinishAttemptAsync(envelope, EventStatus.Succeeded, null, "user created", lease!, plan: null, CancellationToken.None);
        var done = await _store.FindAsync(envelope.EventId);
        var redelivered = await _progress.ReadAsync(envelope.EventId, CancellationToken.None);

        Assert.Null(before);
        Assert.Equal(EventStatus.Succeeded, done!.Status);
        Assert.Equal(envelope.ReceivedAt, done.ReceivedAt);
        Assert.Equal([EventStatus.Accepted, EventStatus.Processing, EventStatus.Succeeded], done.History.Select(entry => entry.Status));
        // A redelivery's copy reads the event as finished, and is dropped as such.
        Assert.Equal(EventStatus.Succeeded, redelivered.Status);
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
