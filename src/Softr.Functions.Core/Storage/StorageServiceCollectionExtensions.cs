using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Softr.Functions.Events;

namespace Softr.Functions.Storage;

/// <summary>
/// The storage clients for <see cref="StorageSettings.ConnectionName"/>: queues, tables and blobs, all
/// with the same short retry policy. Ingestion uses all three while the sender waits on the HTTP answer,
/// and a quick 503 lets the sender retry on its own schedule instead of timing out.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddEventQueue(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => StorageConnection.From(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton(provider => Connection(provider).Create("queue",
            text => new QueueServiceClient(text, CreateClientOptions()), (uri, credential) => new QueueServiceClient(uri, credential, CreateClientOptions())));
        services.AddSingleton(provider => Connection(provider).Create("blob",
            text => new BlobServiceClient(text, WithShortRetries(new BlobClientOptions())),
            (uri, credential) => new BlobServiceClient(uri, credential, WithShortRetries(new BlobClientOptions()))));
        services.AddSingleton<IPayloadStore, BlobPayloadStore>();
        services.AddSingleton<IEventQueue, StorageEventQueue>();
        return services;
    }

    /// <summary>The table service client, and the events table's reader for the status API.</summary>
    public static IServiceCollection AddEventTables(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => StorageConnection.From(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton(provider => Connection(provider).Create("table",
            text => new TableServiceClient(text, WithShortRetries(new TableClientOptions())),
            (uri, credential) => new TableServiceClient(uri, credential, WithShortRetries(new TableClientOptions()))));
        services.AddSingleton<TableEventStore>();
        services.AddSingleton<IEventLog>(provider => provider.GetRequiredService<TableEventStore>());
        return services;
    }

    /// <summary>Queue client options: base64, as host.json declares for the trigger, and short retries.</summary>
    public static QueueClientOptions CreateClientOptions() => WithShortRetries(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private static T WithShortRetries<T>(T options) where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private static StorageConnection Connection(IServiceProvider provider) => provider.GetRequiredService<StorageConnection>();
}
