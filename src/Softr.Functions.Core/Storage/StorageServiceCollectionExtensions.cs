using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Softr.Functions.Webhooks;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Softr.Functions.Events;

namespace Softr.Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The queue client for <see cref="StorageSettings.ConnectionName"/>. Retries are few and short on
    /// purpose: the sender is waiting on the HTTP answer, and a quick 503 lets it retry on its own
    /// schedule instead of timing out.
    /// </summary>
    public static IServiceCollection AddEventQueue(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            var connectionString = configuration[StorageSettings.ConnectionName];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"The storage connection '{StorageSettings.ConnectionName}' is not set. Locally use 'UseDevelopmentStorage=true' (Azurite).");
            }
            return new QueueServiceClient(connectionString, CreateClientOptions());
        });
        services.AddSingleton(provider => new BlobServiceClient(
            provider.GetRequiredService<IConfiguration>()[StorageSettings.ConnectionName]
                ?? throw new InvalidOperationException($"The storage connection '{StorageSettings.ConnectionName}' is not set.")));
        services.AddSingleton<IPayloadStore, BlobPayloadStore>();
        services.AddSingleton<IEventQueue, StorageEventQueue>();
        return services;
    }

    /// <summary>The table client for <see cref="StorageSettings.ConnectionName"/>, with the same short-retry policy as the queue.</summary>
    public static IServiceCollection AddDeliveryLedger(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var connectionString = provider.GetRequiredService<IConfiguration>()[StorageSettings.ConnectionName]
                ?? throw new InvalidOperationException($"The storage connection '{StorageSettings.ConnectionName}' is not set.");
            var options = new TableClientOptions();
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.MaxRetries = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(200);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
            return new TableServiceClient(connectionString, options);
        });
        services.AddSingleton<IDeliveryLedger, TableDeliveryLedger>();
        services.AddSingleton<IEventLog, TableEventLog>();
        return services;
    }

    public static QueueClientOptions CreateClientOptions()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }
}
