using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Softr.Functions.Events;
using Softr.Functions.Storage;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>Events on the queue never expire (against Azurite): a week-long outage must not delete them.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EventQueueExpiryTests : IAsyncLifetime
{
    private Azurite? _azurite;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task QueuedEvents_AndEventsSentAgainWithADelay_NeverExpire()
    {
        var service = new QueueServiceClient(_azurite!.ConnectionString, StorageServiceCollectionExtensions.CreateClientOptions());
        var queue = new StorageEventQueue(service, new BlobPayloadStore(new BlobServiceClient(_azurite.ConnectionString)));
        var envelope = new EventEnvelope
        {
            EventId = "evt_expiry", Hook = "signup", Sender = "shared-secret", EventType = "signup",
            ReceivedAt = DateTimeOffset.UtcNow, CorrelationId = "evt_expiry",
            Payload = System.Text.Json.JsonDocument.Parse("""{"email":"ada@example.com"}""").RootElement.Clone(),
        };

        await queue.EnqueueAsync(QueueNames.Events, envelope);
        await queue.EnqueueAsync(QueueNames.Events, envelope, TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var messages = (await service.GetQueueClient(QueueNames.Events).PeekMessagesAsync(maxMessages: 10)).Value;
        Assert.Equal(2, messages.Length);
        // The default would be 7 days; "never" is the far end of time.
        Assert.All(messages, message => Assert.True(message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"expires on {message.ExpiresOn:O}"));
    }
}
