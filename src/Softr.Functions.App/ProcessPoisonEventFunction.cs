using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes what the runtime moved to a lane's poison queue and dead-letters it with its cause
/// (<see cref="PoisonEventHandler"/>), so poison is triaged and replayed like any dead letter; a replay sends it
/// back to the lane its envelope names.
/// </summary>
public sealed class ProcessPoisonEventFunction(PoisonEventHandler handler)
{
    /// <summary>The normal lane's poison trigger (the name from before lanes, kept).</summary>
    public const string Name = "ProcessPoisonEvent";

    public const string HighName = "ProcessHighPoisonEvent";

    public const string BulkName = "ProcessBulkPoisonEvent";

    [Function(HighName)]
    public Task RunHighAsync(
        [QueueTrigger(QueueNames.HighEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);

    [Function(Name)]
    public Task RunAsync(
        [QueueTrigger(QueueNames.EventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body, message.MessageId, cancellationToken);
    }

    [Function(BulkName)]
    public Task RunBulkAsync(
        [QueueTrigger(QueueNames.BulkEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) => RunAsync(message, cancellationToken);
}
