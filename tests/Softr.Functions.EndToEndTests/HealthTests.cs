using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Softr.Functions.Health;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

[Collection(EndToEndCollection.Name)]
public sealed class HealthTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task Health_IsAnonymous_AndReportsStorageWithQueueDepth_AndSoftr()
    {
        // Make sure the event table and queue exist (they are made on first use), so the depth is reported.
        using var accepted = await system.PostWebhookAsync("""{"email":"health@example.com","full_name":"Health Check"}""");
        using var response = await system.Anonymous.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        // Reported, as a number (its value races processing here; StorageCheck_ReportsTheEventQueuesDepth holds the value itself).
        Assert.Equal(JsonValueKind.Number, body.GetProperty("checks").GetProperty("storage").GetProperty("data").GetProperty("queueDepth").ValueKind);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("softr").GetProperty("status").GetString());
        Assert.DoesNotContain(SystemUnderTest.SoftrApiKey, body.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>The depths the check reports are the lanes' queues', on an account where nothing processes them: none before a queue exists, then what waits.</summary>
    [Fact]
    public async Task StorageCheck_ReportsEachLanesDepth()
    {
        await using var azurite = await Azurite.StartAsync();
        var queues = new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString);
        var check = new StorageHealthCheck(queues, new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString));

        var fresh = await check.CheckHealthAsync(new HealthCheckContext());
        var queue = queues.GetQueueClient(Softr.Functions.Storage.QueueNames.Events);
        await queue.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await queue.SendMessageAsync($"message {i}");
        }
        var high = queues.GetQueueClient(Softr.Functions.Storage.QueueNames.HighEvents);
        await high.CreateAsync();
        await high.SendMessageAsync("paid");
        var waiting = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(0, fresh.Data["queueDepth"]);
        Assert.Equal(HealthStatus.Healthy, waiting.Status);
        Assert.Equal(3, waiting.Data["queueDepth.normal"]);
        Assert.Equal(1, waiting.Data["queueDepth.high"]);
        Assert.Equal(0, waiting.Data["queueDepth.bulk"]);
        Assert.Equal(4, waiting.Data["queueDepth"]);
    }

    [Fact]
    public async Task SoftrCheck_IsUnhealthy_WhenNothingAnswers()
    {
        var closed = new Uri($"http://127.0.0.1:{Ports.Free()}/v1/api/");
        var check = Check(Connections(new SoftrClientOptions { UsersApiBaseUrl = closed, DatabaseApiBaseUrl = closed }));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("127.0.0.1 unreachable", result.Description);
    }

    /// <summary>Each connection is probed on its own hosts: one portal's host down names that portal, and the other stays reachable.</summary>
    [Fact]
    public async Task SoftrCheck_ProbesEachConnection_AndNamesTheOneWhoseHostIsDown()
    {
        var closed = new Uri($"http://127.0.0.1:{Ports.Free()}/api/v1/");
        var options = new SoftrClientOptions
        {
            UsersApiBaseUrl = new Uri(system.Sandbox.BaseAddress!, "v1/api/"),
            DatabaseApiBaseUrl = new Uri(system.Sandbox.BaseAddress!, "api/v1/"),
        };
        options.Connections["portal-b"] = new SoftrConnectionOptions { ApiKey = "b", DatabaseApiBaseUrl = closed };
        options.Connections["staged"] = new SoftrConnectionOptions();
        var check = Check(Connections(options));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("portal-b: 127.0.0.1 unreachable", result.Description);
        Assert.Equal(new Dictionary<string, string> { ["default"] = "reachable; no key", ["portal-b"] = "127.0.0.1 unreachable", ["staged"] = "reachable; no key" },
            result.Data["connections"]);
    }

    /// <summary>
    /// Each connection's key is put to Softr (the sandbox here, which answers a key it does not know 401 as Softr does): a
    /// portal whose key Softr refuses is named, the one whose key it takes is not, and neither key is in the answer.
    /// When no key is taken, health is down.
    /// </summary>
    [Fact]
    public async Task SoftrCheck_PutsEachConnectionsKeyToSoftr_AndNamesTheOneItRefuses()
    {
        SoftrClientOptions Options(string defaultKey)
        {
            var options = new SoftrClientOptions
            {
                ApiKey = defaultKey,
                Domain = "demo.softr.app",
                UsersApiBaseUrl = new Uri(system.Sandbox.BaseAddress!, "v1/api/"),
                DatabaseApiBaseUrl = new Uri(system.Sandbox.BaseAddress!, "api/v1/"),
            };
            options.Connections["portal_b"] = new SoftrConnectionOptions { ApiKey = "pat_revoked_portal_b_key", Domain = "portal-b.softr.app" };
            return options;
        }

        var result = await Check(Connections(Options(SystemUnderTest.SoftrApiKey))).CheckHealthAsync(new HealthCheckContext());
        var noneTaken = await Check(Connections(Options("pat_revoked_default_key"))).CheckHealthAsync(new HealthCheckContext());

        // One portal's key refused while another works: degraded (answered 200), not down.
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("portal_b: reachable; key refused", result.Description);
        Assert.Equal(new Dictionary<string, string> { ["default"] = "reachable; key accepted", ["portal_b"] = "reachable; key refused" }, result.Data["connections"]);
        Assert.DoesNotContain("pat_revoked_portal_b_key", JsonSerializer.Serialize(result.Data), StringComparison.Ordinal);
        // No key taken: nothing can be done, and health is down.
        Assert.Equal(HealthStatus.Unhealthy, noneTaken.Status);
        Assert.Equal("default: reachable; key refused; portal_b: reachable; key refused", noneTaken.Description);
    }

    private static SoftrHealthCheck Check(SoftrConnections connections) =>
        new(new PlainClientFactory(), connections, new SoftrKeyProbe(new PlainClientFactory(), TimeProvider.System));

    private static SoftrConnections Connections(SoftrClientOptions options) => new(options);

    private sealed class PlainClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(5) };
    }
}
