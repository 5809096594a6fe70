using System.Diagnostics;
using Azure.Storage.Queues;
using Moq;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Tests.Events;

public sealed class StorageEventQueueTests
{
    [Fact]
    public async Task Enqueue_WhenStorageIsUnreachable_ThrowsUnavailableQuickly()
    {
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};" +
            $"QueueEndpoint=http://127.0.0.1:{Softr.Functions.Testing.Ports.Free()}/devstoreaccount1;";
        var queue = new StorageEventQueue(new QueueServiceClient(connection, StorageServiceCollectionExtensions.CreateClientOptions()), Mock.Of<IPayloadStore>());
        var envelope = TestEnvelopes.Signup();
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<EventQueueUnavailableException>(() => queue.EnqueueAsync(QueueNames.Events, envelope));

        // The sender is waiting on the answer: a few short retries, then 503, well inside any sender's timeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
