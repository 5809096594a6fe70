using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Softr.Functions.Storage;

namespace Softr.Functions.Health;

/// <summary>
/// Storage answers: the event queue's properties (with its depth) and one row of the events table,
/// both data-plane reads the app's identity is allowed, both cheap.
/// </summary>
public sealed class StorageHealthCheck(QueueServiceClient queues, TableServiceClient tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = await queues.GetQueueClient(QueueNames.Events).GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var _ in tables.GetTableClient(TableNames.Events).QueryAsync<TableEntity>(maxPerPage: 1, cancellationToken: cancellationToken)
                .AsPages(pageSizeHint: 1).ConfigureAwait(false))
            {
                break;
            }
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["queueDepth"] = properties.Value.ApproximateMessagesCount });
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            // The account answered and let us in; the queue or table is made on first use (locally) or by the Bicep.
            return HealthCheckResult.Healthy($"reachable; {missing.ErrorCode} until first use");
        }
        catch (RequestFailedException exception)
        {
            return HealthCheckResult.Unhealthy($"storage answered {exception.Status} {exception.ErrorCode}");
        }
        catch (Exception exception) when (exception is AggregateException or HttpRequestException)
        {
            return HealthCheckResult.Unhealthy("storage unreachable");
        }
    }
}

/// <summary>
/// Softr's two hosts are reachable: any HTTP answer to an unauthenticated request proves DNS, TLS and
/// the route, and costs none of the token's rate budget (the key is not sent).
/// </summary>
public sealed class SoftrHealthCheck(IHttpClientFactory httpClients, IOptions<SoftrClientOptions> options) : IHealthCheck
{
    public const string ClientName = "softr-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var client = httpClients.CreateClient(ClientName);
        foreach (var url in new[] { options.Value.UsersApiBaseUrl, options.Value.DatabaseApiBaseUrl })
        {
            try
            {
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{url.Host} unreachable");
            }
        }
        return HealthCheckResult.Healthy();
    }
}
