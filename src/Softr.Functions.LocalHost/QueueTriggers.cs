using Azure.Storage.Queues.Models;
using Microsoft.Azure.WebJobs;
using Softr.Functions.App;
using Softr.Functions.Storage;

namespace Softr.Functions.LocalHost;

/// <summary>
/// Entry points for the WebJobs queue listener, which needs its own attributes. Each is one line that
/// hands the message to the function app's own class; names and queues are the function app's
/// constants, and QueueTriggersTests checks them against the function app's attributes.
/// </summary>
public sealed class QueueTriggers(IServiceProvider services)
{
    [FunctionName(ProcessEventFunction.HighName)]
    public Task ProcessHighEventAsync(
        [QueueTrigger(QueueNames.HighEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunHighAsync(message, cancellationToken));

    [FunctionName(ProcessEventFunction.Name)]
    public Task ProcessEventAsync(
        [QueueTrigger(QueueNames.Events, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunAsync(message, cancellationToken));

    [FunctionName(ProcessEventFunction.BulkName)]
    public Task ProcessBulkEventAsync(
        [QueueTrigger(QueueNames.BulkEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunBulkAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.HighName)]
    public Task ProcessHighPoisonEventAsync(
        [QueueTrigger(QueueNames.HighEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunHighAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.Name)]
    public Task ProcessPoisonEventAsync(
        [QueueTrigger(QueueNames.EventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.BulkName)]
    public Task ProcessBulkPoisonEventAsync(
        [QueueTrigger(QueueNames.BulkEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunBulkAsync(message, cancellationToken));
}
