using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>Each portal gets its own users and records, through the real queue listener, and erasure and health reach both.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TwoPortalsTests(TwoPortalsSystem system) : IClassFixture<TwoPortalsSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EachPortal_GetsItsOwnUsersAndRecords_AndAnErasureWithSoftr_DeletesThePersonInEveryPortal()
    {
        using var toDefault = await system.PostWebhookAsync("""{"email":"grace@portal-a.example","full_name":"Grace Hopper"}""");
        using var toB = await system.PostWebhookAsync("""{"email":"ada@portal-b.example","full_name":"Ada Lovelace"}""", hook: TwoPortalsSystem.PortalBHook);
        Assert.Equal(HttpStatusCode.OK, toDefault.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toB.StatusCode);
        foreach (var accepted in new[] { toDefault, toB })
        {
            var statusUrl = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!;
            Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.EventAsync(statusUrl)).GetProperty("status").GetString() == "Succeeded", Patience),
                $"{statusUrl} did not succeed: {(await system.EventAsync(statusUrl)).GetRawText()}");
        }

        var users = await system.SandboxUsersAsync();
        Assert.Equal([SystemUnderTest.SoftrDomain], AppsOf(users, "grace@portal-a.example"));
        Assert.Equal([TwoPortalsSystem.PortalBDomain], AppsOf(users, "ada@portal-b.example"));
        Assert.Contains("ada@portal-b.example", await CustomerEmailsAsync("portal-b"));
        Assert.DoesNotContain("ada@portal-b.example", await CustomerEmailsAsync("default"));

        using var erased = await system.Host.PostAsJsonAsync("/api/manage/erase", new { email = "ada@portal-b.example", softr = true });
        var report = await erased.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("deleted", report.GetProperty("softrUsers").GetProperty("portal-b").GetString());
        Assert.Equal("not found", report.GetProperty("softrUsers").GetProperty("default").GetString());
        Assert.Equal("default: not found; portal-b: deleted", report.GetProperty("softrUser").GetString());
        Assert.Empty(AppsOf(await system.SandboxUsersAsync(), "ada@portal-b.example"));
    }

    /// <summary>
    /// A person onboarded to both portals, whose erasure one portal's owner asked for: the erasure names that app, and the
    /// user is deleted there only. A list naming an app that is not a connection with a domain is refused, and nothing is erased.
    /// </summary>
    [Fact]
    public async Task AnErasureNamingOneApp_DeletesThePersonsUserThereOnly()
    {
        const string email = "lin@both.example";
        foreach (var hook in new[] { SystemUnderTest.Hook, TwoPortalsSystem.PortalBHook })
        {
            using var accepted = await system.PostWebhookAsync($$"""{"email":"{{email}}","full_name":"Lin Both"}""", hook: hook);
            var statusUrl = (await accepted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!;
            Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.EventAsync(statusUrl)).GetProperty("status").GetString() == "Succeeded", Patience),
                $"{statusUrl} did not succeed: {(await system.EventAsync(statusUrl)).GetRawText()}");
        }
        Assert.Equal([SystemUnderTest.SoftrDomain, TwoPortalsSystem.PortalBDomain], AppsOf(await system.SandboxUsersAsync(), email).Order(StringComparer.Ordinal));

        using var refused = await system.Host.PostAsJsonAsync("/api/manage/erase", new { email, softr = new[] { "portal-b", "portal-c" } });
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        using var listed = await system.Host.PostAsJsonAsync("/api/manage/erase?dryRun=true", new { email, softr = new[] { "portal-b" } });
        var dryRun = await listed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var usersAfterTheDryRun = AppsOf(await system.SandboxUsersAsync(), email).Count;
        using var erased = await system.Host.PostAsJsonAsync("/api/manage/erase", new { email, softr = new[] { "portal-b" } });
        var report = await erased.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("urn:softr-functions:problem:erase-bad-softr", problem.GetProperty("type").GetString());
        Assert.Equal("""{"portal-b":"would be deleted (dry run)"}""", dryRun.GetProperty("softrUsers").GetRawText());
        Assert.Equal(2, usersAfterTheDryRun);
        Assert.Contains("'portal-c'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, report.GetProperty("events").GetArrayLength()); // found, so the refused request erased nothing
        Assert.Equal("""{"portal-b":"deleted"}""", report.GetProperty("softrUsers").GetRawText());
        Assert.Equal([SystemUnderTest.SoftrDomain], AppsOf(await system.SandboxUsersAsync(), email));
    }

    [Fact]
    public async Task Health_ProbesEachConnection_WithoutShowingAKey()
    {
        using var response = await system.Anonymous.GetAsync("/api/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        var connections = body.GetProperty("checks").GetProperty("softr").GetProperty("data").GetProperty("connections");
        Assert.Equal("reachable; key accepted", connections.GetProperty("default").GetString());
        Assert.Equal("reachable; key accepted", connections.GetProperty("portal-b").GetString());
        Assert.DoesNotContain(TwoPortalsSystem.PortalBKey, body.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>
    /// What an operator sees per app: the hooks' and steps' connections, each connection's calls, and dead letters filtered
    /// by connection (portal-b's user cap reached: its event is dead-lettered, and only the portal-b filter finds it).
    /// </summary>
    [Fact]
    public async Task TheConsolesReads_ShowEachConnection_AndFilterDeadLettersByIt()
    {
        var hooks = await system.Host.GetFromJsonAsync<JsonElement[]>("/api/manage/hooks");
        var portalB = hooks!.Single(hook => hook.GetProperty("name").GetString() == TwoPortalsSystem.PortalBHook);
        Assert.Equal(["portal-b"], portalB.GetProperty("connections").EnumerateArray().Select(name => name.GetString()));
        Assert.All(portalB.GetProperty("automations")[0].GetProperty("steps").EnumerateArray(), step => Assert.Equal("portal-b", step.GetProperty("connection").GetString()));
        Assert.Equal(["default"], hooks!.Single(hook => hook.GetProperty("name").GetString() == SystemUnderTest.Hook).GetProperty("connections").EnumerateArray().Select(name => name.GetString()));

        using (var cap = await system.Sandbox.PutAsJsonAsync("/sandbox/quota", new { maxUsers = 0 }))
        {
            cap.EnsureSuccessStatusCode();
        }
        string eventId;
        try
        {
            using var accepted = await system.PostWebhookAsync("""{"email":"capped@portal-b.example","full_name":"Capped"}""", hook: TwoPortalsSystem.PortalBHook);
            eventId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.EventAsync(eventId)).GetProperty("status").GetString() == "DeadLettered", Patience),
                "the capped event was not dead-lettered");
        }
        finally
        {
            using var uncapped = await system.Sandbox.DeleteAsync("/sandbox/quota");
        }

        Assert.Contains(await DeadLetterIdsAsync("portal-b"), id => id == eventId);
        Assert.DoesNotContain(await DeadLetterIdsAsync("default"), id => id == eventId);
        Assert.Empty(await DeadLetterIdsAsync("no-such-connection"));

        JsonElement connections = default;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            connections = (await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/overview?hours=1")).GetProperty("softr").GetProperty("connections");
            return connections.EnumerateArray().Any(connection => connection.GetProperty("name").GetString() == "portal-b" && connection.GetProperty("calls").GetInt64() > 0);
        }, Patience), $"portal-b's calls were never counted: {connections}");
        Assert.Equal(["default", "portal-b"], connections.EnumerateArray().Select(connection => connection.GetProperty("name").GetString()));
        Assert.Equal(TwoPortalsSystem.PortalBDomain, connections[1].GetProperty("domain").GetString());
    }

    private async Task<List<string?>> DeadLetterIdsAsync(string connection) =>
        [.. (await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/dead-letters?connection={connection}")).GetProperty("items").EnumerateArray()
            .Select(letter => letter.GetProperty("eventId").GetString())];

    private static List<string?> AppsOf(IEnumerable<JsonElement> users, string email) =>
        [.. users.Where(user => user.GetProperty("email").GetString() == email).Select(user => user.GetProperty("app").GetString())];

    private async Task<List<string?>> CustomerEmailsAsync(string app)
    {
        var records = await system.Sandbox.GetFromJsonAsync<JsonElement[]>($"/sandbox/databases/db_portal/tables/tbl_customers/records?app={app}");
        return [.. records!.Select(record => record.GetProperty("fields").TryGetProperty("fEmail", out var email) ? email.GetString() : null)];
    }
}
