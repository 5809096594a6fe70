using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// The admin API behind the console (issue #15), through the host: the overview's counts, one event's
/// page, dead letters by cause, the hooks, and the key every one of them needs.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConsoleApiTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheOverview_CountsWhatTheDoorAndProcessingDid_PerHook_PerMinute_AndSoftrsCalls()
    {
        using var accepted = await system.PostWebhookAsync("""{"email":"counted@example.com","full_name":"Count Ed"}""");
        using var refused = await system.PostWebhookAsync("""{"email":"nope@example.com","full_name":"No Pe"}""", secret: "wrong-secret-0123456789");
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        JsonElement overview = default, hook = default;
        var counted = await SystemUnderTest.EventuallyAsync(async () =>
        {
            overview = await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/overview?hours=1");
            hook = overview.GetProperty("hooks").EnumerateArray().Single(item => item.GetProperty("hook").GetString() == SystemUnderTest.Hook);
            return hook.GetProperty("succeeded").GetInt64() >= 1 && hook.GetProperty("received").GetInt64() >= 2;
        }, Patience);

        Assert.True(counted, overview.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, hook.GetProperty("accepted").GetInt64());
        Assert.Equal(1, hook.GetProperty("refused").EnumerateObject().Sum(reason => reason.Value.GetInt64()));
        Assert.Equal(60, overview.GetProperty("perMinute").GetProperty("minutes").GetArrayLength());
        Assert.True(overview.GetProperty("perMinute").GetProperty("series").GetProperty("succeeded").EnumerateArray().Sum(value => value.GetInt64()) >= 1);
        Assert.True(overview.GetProperty("softr").GetProperty("calls").GetInt64() >= 1);
        Assert.Contains(overview.GetProperty("queues").EnumerateArray(), queue => queue.GetProperty("queue").GetString() == "events");
        Assert.Equal(["high", "normal", "bulk"], overview.GetProperty("lanes").EnumerateArray().Select(lane => lane.GetProperty("lane").GetString()));
        // Every configured hook is listed, a quiet one with zeros.
        Assert.Contains(overview.GetProperty("hooks").EnumerateArray(), item => item.GetProperty("hook").GetString() == "payments");

        var detail = await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events/{id}");
        var text = detail.ToString();
        Assert.Equal("Succeeded", detail.GetProperty("event").GetProperty("status").GetString());
        Assert.Equal("c***@example.com", detail.GetProperty("payload").GetProperty("email").GetString());
        Assert.Equal("C***", detail.GetProperty("payload").GetProperty("full_name").GetString());
        Assert.Equal("e2e-signup", detail.GetProperty("plan").GetProperty("automations")[0].GetProperty("name").GetString());
        var step = detail.GetProperty("event").GetProperty("steps")[0];
        Assert.Equal("POST", step.GetProperty("calls")[0].GetProperty("method").GetString());
        // The step's time holds its calls' (issue #24, item 8: ">= 0" could not fail).
        var callsMs = step.GetProperty("calls").EnumerateArray().Sum(call => call.GetProperty("ms").GetInt64());
        Assert.InRange(step.GetProperty("durationMs").GetInt64(), callsMs, callsMs + 60_000);
        Assert.DoesNotContain("counted@example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Count Ed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHooks_AreListedWithTheirSenderPathAndAutomations()
    {
        var hooks = await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/hooks");

        var payments = hooks.EnumerateArray().Single(hook => hook.GetProperty("name").GetString() == "payments");
        Assert.Equal("stripe", payments.GetProperty("sender").GetString());
        Assert.Equal("/api/hooks/payments", payments.GetProperty("path").GetString());
        Assert.Equal(["checkout.session.completed"], payments.GetProperty("events").EnumerateArray().Select(item => item.GetString()));
        var automation = payments.GetProperty("automations").EnumerateArray().Single();
        Assert.Equal("paid-checkout", automation.GetProperty("name").GetString());
        // Its priority (the default) and where its events wait; an automation that does not raise it says null.
        Assert.Equal(("normal", "events"), (payments.GetProperty("priority").GetString(), payments.GetProperty("queue").GetString()));
        Assert.Equal(JsonValueKind.Null, automation.GetProperty("priority").ValueKind);
        Assert.Equal(["user.create", "user.invite"], automation.GetProperty("steps").EnumerateArray().Select(item => item.GetProperty("action").GetString()));
        // A template names a setting; the setting's value (a signing secret here) is never shown.
        Assert.DoesNotContain(SystemUnderTest.StripeSecret, hooks.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryConsoleCall_NeedsTheKey_AndABadWindowIsAProblem()
    {
        var anonymous = await Task.WhenAll(new[] { "/api/manage/overview", "/api/manage/hooks", "/api/manage/events/evt_x", "/api/manage/dead-letters/causes" }
            .Select(path => system.Anonymous.GetAsync(new Uri(system.Host.BaseAddress!, path))));
        using var badHours = await system.Host.GetAsync("/api/manage/overview?hours=49");
        using var unknown = await system.Host.GetAsync("/api/manage/events/evt_unknown");
        using var page = await system.Anonymous.GetAsync(new Uri(system.Host.BaseAddress!, "/api/console"));
        using var script = await system.Anonymous.GetAsync(new Uri(system.Host.BaseAddress!, "/api/console/console.js"));
        using var missing = await system.Anonymous.GetAsync(new Uri(system.Host.BaseAddress!, "/api/console/appsettings.json"));

        Assert.All(anonymous, response => Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode));
        Assert.Equal(HttpStatusCode.BadRequest, badHours.StatusCode);
        Assert.Contains("bad-hours", await badHours.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var response in anonymous)
        {
            response.Dispose();
        }
    }
}
