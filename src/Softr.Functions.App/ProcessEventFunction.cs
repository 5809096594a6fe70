using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes accepted events off their lane's queue and runs them (<see cref="EventProcessor"/>). One trigger per lane
/// (<see cref="EventLane"/>), so that a high event is taken at once however long the normal and bulk queues are.
/// Retries, waits and dead letters are decided in processing and end this message normally; only an exception
/// processing did not expect escapes, so that the queue retries it and, after <c>maxDequeueCount</c> attempts
/// (host.json), moves it to the lane's poison queue.
/// </summary>
public sealed class ProcessEventFunction(EventProcessor processor, ILogger<ProcessEventFunction> logger)
{
    /// <summary>The normal lane's trigger (the name from before lanes, kept).</summary>
    public const string Name = "ProcessEvent";

    public const string HighName = "ProcessHighEvent";

    public const string BulkName = "ProcessBulkEvent";

    [Function(HighName)]
    public Task RunHighAsync(
        [QueueTrigger(QueueNames.HighEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

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

    [Function(BulkName)]
    public Task RunBulkAsync(
        [QueueTrigger(QueueNames.BulkEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);
}
