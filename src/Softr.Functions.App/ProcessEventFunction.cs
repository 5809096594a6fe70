using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes accepted events off the queue and runs them. Exceptions are not caught: a failed attempt must
/// return the message to the queue so that it is retried and, after <c>maxDequeueCount</c> attempts
/// (host.json), moved to <see cref="QueueNames.EventsPoison"/>.
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
            await processor.ProcessAsync(envelope, (int)message.DequeueCount, cancellationToken);
        }
    }
}
