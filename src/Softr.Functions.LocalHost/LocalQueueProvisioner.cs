using Azure;
using Azure.Storage.Queues;

namespace Softr.Functions.LocalHost;

/// <summary>
/// Creates the trigger queues and their poison queues when the local host starts, as the Bicep does
/// in Azure. Storage that cannot be reached stops the start with a message that says what to do,
/// instead of a listener that logs connection errors forever.
/// </summary>
public sealed partial class LocalQueueProvisioner(
    QueueServiceClient queueService,
    IEnumerable<string> triggerQueues,
    ILogger<LocalQueueProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in triggerQueues.SelectMany(name => new[] { name, name + "-poison" }).Distinct(StringComparer.Ordinal))
        {
            try
            {
                await queueService.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (Exception exception) when (exception is RequestFailedException or AggregateException)
            {
                throw new InvalidOperationException(
                    $"Storage at {queueService.Uri} is not reachable, so queue '{queue}' could not be created. " +
                    "Start Azurite (./run.sh does) or set AzureWebJobsStorage to a reachable account.", exception);
            }
        }
        LogReady(queueService.Uri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Queues ready in {StorageUri}")]
    private partial void LogReady(Uri storageUri);
}
