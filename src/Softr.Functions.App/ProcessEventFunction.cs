using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes accepted events off the queue and runs them (<see cref="EventProcessor"/>). Retries, waits
/// and dead letters are decided there and end this message normally; only an exception processing did
/// not expect escapes, so that the queue retries it and, after <c>maxDequeueCount</c> attempts
/// (host.json), moves it to <see cref="QueueNames.EventsPoison"/>.
/// </summary>
public sealed class ProcessEventFunction(EventProcessor processor, ILogger<ProcessEventFunction> logger)
{
    public const string Name = "ProcessEvent";

    [Function(Name)]
    public async Task RunAsync(
        [QueueTrigger(QueueNames.Events, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        var envelope = EventEnvelopeSerializer.Deserialize(message.Body);
        using (logger.BeginScope(new Dictionary<string, object>
        {
            ["EventId"] = envelope.EventId,
            ["CorrelationId"] = envelope.CorrelationId,
            ["DequeueCount"] = message.DequeueCount,
        }))
        {
            await processor.ProcessAsync(envelope, new QueueDelivery(message.MessageId, message.DequeueCount), cancellationToken);
        }
    }
}
