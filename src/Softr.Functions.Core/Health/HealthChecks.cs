using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Softr.Functions.Events;
using Softr.Functions.Storage;

namespace Softr.Functions.Health;

/// <summary>
/// Storage answers: each lane's queues' properties (its depth with its overflow, <c>queueDepth.high</c> and so on, and their sum,
/// <c>queueDepth</c>) and one row of the events table, data-plane reads the app's identity is allowed, all cheap.
/// </summary>
public sealed class StorageHealthCheck(QueueServiceClient queues, TableServiceClient tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Listings, not reads of the queue and table themselves: on a fresh account (a first ./run.sh)
            // those do not exist until first use, and a 404 here would be a warning in a newcomer's first
            // screen for what is normal. A listing answers 200 either way.
            var existing = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var queue in queues.GetQueuesAsync(prefix: QueueNames.Events, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                existing.Add(queue.Name);
            }
            var data = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var lane in EventLane.All)
            {
                var depth = 0;
                foreach (var queue in lane.TriggerQueues.Where(existing.Contains))
                {
                    depth += (await queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
                }
                data["queueDepth." + lane.Name] = depth;
            }
            data["queueDepth"] = data.Values.Cast<int>().Sum();
            await foreach (var _ in tables.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {TableNames.Events}"), maxPerPage: 1, cancellationToken: cancellationToken)
                .ConfigureAwait(false))
            {
                break;
            }
            return HealthCheckResult.Healthy(data: data);
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
/// Each Softr connection's two hosts are reachable, and Softr takes its key. Reachable: any HTTP answer to an unauthenticated
/// request proves DNS, TLS and the route, and costs none of the token's rate budget (the key is not sent); each host is probed
/// once however many connections use it. The key: <see cref="SoftrKeyProbe"/>, a read per token every few minutes. The
/// answer's data gives every connection's result by name, and the description names those that fail. A host down is
/// unhealthy; a refused key is degraded while another connection still works (one portal's key must not mark the
/// others down), unhealthy when none does. A key that is missing or unresolved is the secrets check's to name.
/// </summary>
public sealed class SoftrHealthCheck(IHttpClientFactory httpClients, SoftrConnections connections, SoftrKeyProbe keys) : IHealthCheck
{
    public const string ClientName = "softr-health";

    /// <summary>
    /// Marks the probe's requests, which telemetry leaves out: the unauthenticated probe is answered 401
    /// by design, and a failed-looking span every time a health check runs would be noise (a newcomer's
    /// first screen locally; an availability test's every minute in Azure).
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> ProbeOption = new("softr.health-probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var client = httpClients.CreateClient(ClientName);
        var all = connections.All;
        var urls = all.SelectMany(connection => new[] { connection.UsersApiBaseUrl, connection.DatabaseApiBaseUrl }).Distinct().ToList();
        var answers = await Task.WhenAll(urls.Select(url => AnswersAsync(client, url, cancellationToken))).ConfigureAwait(false);
        var unreachable = urls.Zip(answers).Where(pair => !pair.Second).Select(pair => pair.First).ToHashSet();
        var checks = await Task.WhenAll(all.Select(connection => CheckAsync(connection, unreachable, cancellationToken))).ConfigureAwait(false);

        var results = checks.ToDictionary(check => check.Name, check => check.Result, StringComparer.Ordinal);
        var data = new Dictionary<string, object> { ["connections"] = results };
        var failing = checks.Where(check => check.Status != HealthStatus.Healthy).ToList();
        if (failing.Count == 0)
        {
            return HealthCheckResult.Healthy(data: data);
        }
        var description = all.Count == 1 ? failing[0].Result : string.Join("; ", failing.Select(check => $"{check.Name}: {check.Result}"));
        var down = failing.Any(check => check.Status == HealthStatus.Unhealthy) || failing.Count == all.Count;
        return down ? HealthCheckResult.Unhealthy(description, data: data) : HealthCheckResult.Degraded(description, data: data);
    }

    private async Task<(string Name, string Result, HealthStatus Status)> CheckAsync(SoftrConnection connection, HashSet<Uri> unreachable, CancellationToken cancellationToken)
    {
        if (new[] { connection.UsersApiBaseUrl, connection.DatabaseApiBaseUrl }.FirstOrDefault(unreachable.Contains) is { } down)
        {
            return (connection.Name, $"{down.Host} unreachable", HealthStatus.Unhealthy);
        }
        if (connection.ApiKey.Length == 0 || Hosting.KeyVaultReferences.IsUnresolved(connection.ApiKey))
        {
            // Said, not failed on: a connection without a usable key is the secrets check's (unresolved) or start-up's (used and empty) to refuse.
            return (connection.Name, connection.ApiKey.Length == 0 ? "reachable; no key" : "reachable; key unresolved (Key Vault reference)", HealthStatus.Healthy);
        }
        var key = await keys.CheckAsync(connection, cancellationToken).ConfigureAwait(false);
        return (connection.Name, $"reachable; {key}", key == SoftrKeyProbe.Refused ? HealthStatus.Degraded : HealthStatus.Healthy);
    }

    private static async Task<bool> AnswersAsync(HttpClient client, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Options.Set(ProbeOption, true);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
