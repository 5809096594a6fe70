using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
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
        // Reported as a number (issue #24, item 8: ">= 0" could not fail; the depth itself races processing).
        Assert.Equal(JsonValueKind.Number, body.GetProperty("checks").GetProperty("storage").GetProperty("data").GetProperty("queueDepth").ValueKind);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("softr").GetProperty("status").GetString());
        Assert.DoesNotContain(SystemUnderTest.SoftrApiKey, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SoftrCheck_IsUnhealthy_WhenNothingAnswers()
    {
        var closed = new Uri($"http://127.0.0.1:{Ports.Free()}/v1/api/");
        var check = new SoftrHealthCheck(new PlainClientFactory(), Options.Create(new SoftrClientOptions { UsersApiBaseUrl = closed, DatabaseApiBaseUrl = closed }));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("127.0.0.1 unreachable", result.Description);
    }

    private sealed class PlainClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(5) };
    }
}
