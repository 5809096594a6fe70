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

    [FunctionName(ProcessEventFunction.HighOverflowName)]
    public Task ProcessHighOverflowEventAsync(
        [QueueTrigger(QueueNames.HighEventsOverflow, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunHighOverflowAsync(message, cancellationToken));

    [FunctionName(ProcessEventFunction.Name)]
    public Task ProcessEventAsync(
        [QueueTrigger(QueueNames.Events, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunAsync(message, cancellationToken));

    [FunctionName(ProcessEventFunction.OverflowName)]
    public Task ProcessOverflowEventAsync(
        [QueueTrigger(QueueNames.EventsOverflow, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunOverflowAsync(message, cancellationToken));

    [FunctionName(ProcessEventFunction.BulkName)]
    public Task ProcessBulkEventAsync(
        [QueueTrigger(QueueNames.BulkEvents, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunBulkAsync(message, cancellationToken));

    [FunctionName(ProcessEventFunction.BulkOverflowName)]
    public Task ProcessBulkOverflowEventAsync(
        [QueueTrigger(QueueNames.BulkEventsOverflow, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessEventFunction>(function => function.RunBulkOverflowAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.HighName)]
    public Task ProcessHighPoisonEventAsync(
        [QueueTrigger(QueueNames.HighEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunHighAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.HighOverflowName)]
    public Task ProcessHighOverflowPoisonEventAsync(
        [QueueTrigger(QueueNames.HighEventsOverflowPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunHighOverflowAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.Name)]
    public Task ProcessPoisonEventAsync(
        [QueueTrigger(QueueNames.EventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.OverflowName)]
    public Task ProcessOverflowPoisonEventAsync(
        [QueueTrigger(QueueNames.EventsOverflowPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunOverflowAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.BulkName)]
    public Task ProcessBulkPoisonEventAsync(
        [QueueTrigger(QueueNames.BulkEventsPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunBulkAsync(message, cancellationToken));

    [FunctionName(ProcessPoisonEventFunction.BulkOverflowName)]
    public Task ProcessBulkOverflowPoisonEventAsync(
        [QueueTrigger(QueueNames.BulkEventsOverflowPoison, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        services.RunFunctionAsync<ProcessPoisonEventFunction>(function => function.RunBulkOverflowAsync(message, cancellationToken));
}
