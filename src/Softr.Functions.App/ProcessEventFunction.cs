using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes accepted events off their lane's queues and runs them (<see cref="EventProcessor"/>). One trigger per queue:
/// each lane (<see cref="EventLane"/>) has its queue and its overflow queue, so that a high event is taken at once
/// however long the other queues are, and a hook's trickle is not queued behind another hook's flood. Each trigger is
/// the same one line. Retries, waits and dead letters are decided in processing and end this message normally; only
/// an exception processing did not expect escapes, so that the queue retries it and, after <c>maxDequeueCount</c>
/// attempts (host.json), moves it to that queue's poison queue.
/// </summary>
public sealed class ProcessEventFunction(EventProcessor processor, ILogger<ProcessEventFunction> logger)
{
    /// <summary>The normal lane's trigger (the name from before lanes, kept).</summary>
    public const string Name = "ProcessEvent";

    public const string HighName = "ProcessHighEvent";

    public const string HighOverflowName = "ProcessHighOverflowEvent";

    public const string OverflowName = "ProcessOverflowEvent";

    public const string BulkName = "ProcessBulkEvent";

    public const string BulkOverflowName = "ProcessBulkOverflowEvent";

    [Function(HighName)]
    public Task RunHighAsync(
        [QueueTrigger(QueueNames.HighEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(HighOverflowName)]
    public Task RunHighOverflowAsync(
        [QueueTrigger(QueueNames.HighEventsOverflow, Connection = StorageSettings.ConnectionName)] QueueMessage message,
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

    [Function(OverflowName)]
    public Task RunOverflowAsync(
        [QueueTrigger(QueueNames.EventsOverflow, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(BulkName)]
    public Task RunBulkAsync(
        [QueueTrigger(QueueNames.BulkEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(BulkOverflowName)]
    public Task RunBulkOverflowAsync(
        [QueueTrigger(QueueNames.BulkEventsOverflow, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);
}
