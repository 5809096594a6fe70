using Microsoft.AspNetCore.TestHost;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.Tests.Sandbox;

/// <summary>
/// The sandbox keeps apps apart as Softr does: users belong to a domain, databases to a token, and a token used
/// against another app's domain is refused as a wrong token is (401 UNAUTHORIZED).
/// </summary>
public sealed class MultiAppSandboxTests(MultiAppSandboxHost sandbox) : IClassFixture<MultiAppSandboxHost>
{
    [Theory]
    [InlineData(MultiAppSandboxHost.PortalBKey, SandboxHost.Domain)]
    [InlineData(SandboxHost.ApiKey, MultiAppSandboxHost.PortalBDomain)]
    [InlineData(MultiAppSandboxHost.PortalBKey, MultiAppSandboxHost.SiblingDomain)]
    public async Task ATokenUsedAgainstAnotherAppsDomain_IsRefusedLikeAWrongToken(string token, string domain)
    {
        using var response = await Send(HttpMethod.Post, "/v1/api/users", token, domain, new { full_name = "Eve", email = $"eve-{Guid.NewGuid():N}@example.com" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task EachDomain_HasItsOwnUsers_AndInspectionSaysWhichAppEachBelongsTo()
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        using (var created = await Send(HttpMethod.Post, "/v1/api/users", MultiAppSandboxHost.PortalBKey, MultiAppSandboxHost.PortalBDomain, new { full_name = "Ada", email }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        // The same e-mail is a new user in the other app: apps do not share users.
        using (var again = await Send(HttpMethod.Post, "/v1/api/users", SandboxHost.ApiKey, MultiAppSandboxHost.SiblingDomain, new { full_name = "Ada", email }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var everyone = await sandbox.CreateClient().GetFromJsonAsync<JsonElement[]>("/sandbox/users");
        Assert.Equal([MultiAppSandboxHost.PortalBDomain, MultiAppSandboxHost.SiblingDomain],
            everyone!.Where(user => user.GetProperty("email").GetString() == email).Select(user => user.GetProperty("app").GetString()).Order(StringComparer.Ordinal));
        var defaultApp = await sandbox.CreateClient().GetFromJsonAsync<JsonElement[]>("/sandbox/users?app=default");
        Assert.DoesNotContain(defaultApp!, user => user.GetProperty("email").GetString() == email);
        Assert.All(defaultApp!, user => Assert.Equal(SandboxHost.Domain, user.GetProperty("app").GetString()));
        using var notThere = await Send(HttpMethod.Delete, $"/v1/api/users/{email}", SandboxHost.ApiKey, SandboxHost.Domain);
        Assert.Equal(HttpStatusCode.NotFound, notThere.StatusCode);
    }

    [Fact]
    public async Task EachToken_HasItsOwnDatabases_AndAppsOnOneTokenShareThem()
    {
        var record = new { fields = new Dictionary<string, object> { ["fEmail"] = $"b-{Guid.NewGuid():N}@example.com" } };
        using (var created = await Send(HttpMethod.Post, "/api/v1/databases/db_portal/tables/tbl_customers/records", MultiAppSandboxHost.PortalBKey, null, record))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        Assert.Equal(1, await Count(MultiAppSandboxHost.PortalBKey) - await Count(SandboxHost.ApiKey));
        var sibling = await sandbox.CreateClient().GetFromJsonAsync<JsonElement[]>("/sandbox/databases/db_portal/tables/tbl_customers/records?app=sibling");
        Assert.Equal(await Count(SandboxHost.ApiKey), sibling!.Length);
    }

    /// <summary>Another app without a key would let requests without one through; without a domain, reach no users. Either stops the sandbox.</summary>
    [Theory]
    [InlineData("--Sandbox:Apps:x:Domain=x.softr.app")]
    [InlineData("--Sandbox:Apps:x:ApiKey=x-key")]
    public void AnotherAppWithoutAKeyOrADomain_StopsTheSandbox(string only) =>
        Assert.Contains("Sandbox:Apps: x need an ApiKey and a Domain each.",
            Assert.Throws<InvalidOperationException>(() => Softr.Sandbox.SandboxApp.Build([only], builder => builder.WebHost.UseTestServer())).Message, StringComparison.Ordinal);

    [Fact]
    public async Task ARequestWithoutAKey_IsRefused_AndInspectionOfAnUnknownAppIsNotFound()
    {
        using var noKey = await sandbox.CreateClient().GetAsync("/api/v1/databases");
        using var unknown = await sandbox.CreateClient().GetAsync("/sandbox/databases?app=nope");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<int> Count(string token)
    {
        using var response = await Send(HttpMethod.Get, "/api/v1/databases/db_portal/tables/tbl_customers/records?limit=200", token, null);
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetArrayLength();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, string? domain, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Softr-Api-Key", token);
        if (domain is not null)
        {
            request.Headers.Add("Softr-Domain", domain);
        }
        return await sandbox.CreateClient().SendAsync(request);
    }
}
