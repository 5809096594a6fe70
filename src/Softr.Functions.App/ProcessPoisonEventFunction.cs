using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Softr.Functions.Processing;
using Softr.Functions.Storage;

namespace Softr.Functions.App;

/// <summary>
/// Takes what the runtime moved to <see cref="QueueNames.EventsPoison"/> and dead-letters it with its
/// cause (<see cref="PoisonEventHandler"/>), so poison is triaged and replayed like any dead letter.
/// </summary>
public sealed class ProcessPoisonEventFunction(PoisonEventHandler handler)
{
    public const string Name = "ProcessPoisonEvent";

    [Function(Name)]
    public Task RunAsync(
        [QueueTrigger(QueueNames.EventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return handler.HandleAsync(message.Body, message.MessageId, cancellationToken);
    }
}
