using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes what the runtime moved to any of the lanes' poison queues and dead-letters it with its cause
/// (<see cref="PoisonEventHandler"/>), so poison is triaged and replayed like any dead letter; a replay sends it back
/// to the queue its envelope names. Each trigger is the same one line.
/// </summary>
public sealed class ProcessPoisonEventFunction(PoisonEventHandler handler)
{
    /// <summary>The normal lane's poison trigger (the name from before lanes, kept).</summary>
    public const string Name = "ProcessPoisonEvent";

    public const string HighName = "ProcessHighPoisonEvent";

    public const string HighOverflowName = "ProcessHighOverflowPoisonEvent";

    public const string OverflowName = "ProcessOverflowPoisonEvent";

    public const string BulkName = "ProcessBulkPoisonEvent";

    public const string BulkOverflowName = "ProcessBulkOverflowPoisonEvent";

    [Function(HighName)]
    public Task RunHighAsync(
        [QueueTrigger(QueueNames.HighEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(HighOverflowName)]
    public Task RunHighOverflowAsync(
        [QueueTrigger(QueueNames.HighEventsOverflowPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(Name)]
    public Task RunAsync(
        [QueueTrigger(QueueNames.EventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body, message.MessageId, cancellationToken);
    }

    [Function(OverflowName)]
    public Task RunOverflowAsync(
        [QueueTrigger(QueueNames.EventsOverflowPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(BulkName)]
    public Task RunBulkAsync(
        [QueueTrigger(QueueNames.BulkEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(BulkOverflowName)]
    public Task RunBulkOverflowAsync(
        [QueueTrigger(QueueNames.BulkEventsOverflowPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);
}
