using Azure.Storage.Queues.Models;
using Softr.Functions.App;
using Softr.Functions.Events;

namespace Softr.Functions.Tests.App;

public sealed class ProcessEventFunctionTests
{
    [Fact]
    public async Task Run_WithUnreadableMessage_ThrowsBeforeProcessing_SoTheQueueMovesItToPoison()
    {
        var message = QueuesModelFactory.QueueMessage("id", "receipt", BinaryData.FromString("garbage"), dequeueCount: 1);

        // No processor: reading the envelope must fail before anything would use one.
        var function = new ProcessEventFunction(null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProcessEventFunction>.Instance);

        await Assert.ThrowsAsync<InvalidEventEnvelopeException>(() => function.RunAsync(message, CancellationToken.None));
    }
}
