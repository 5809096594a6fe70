using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>Dead letters and replay through the local host's admin routes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ReplayApiTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AdminRoutes_NeedTheKey_AndOnlyDeadLettersReplay()
    {
        using var anonymous = await system.Anonymous.GetAsync("/api/manage/dead-letters");
        using var unknown = await system.Host.PostAsync("/api/manage/events/evt_not_dead/replay", SystemUnderTest.EmptyJson());
        using var badTime = await system.Host.GetAsync("/api/manage/dead-letters?from=yesterday");
        using var badLimit = await system.Host.GetAsync("/api/manage/dead-letters?limit=1001");
        using var badCursor = await system.Host.GetAsync("/api/manage/dead-letters?next=not-a-cursor");
        using var badReplayLimit = await system.Host.PostAsync("/api/manage/dead-letters/replay?limit=0&dryRun=true", SystemUnderTest.EmptyJson());
        using var eraseAnonymous = await system.Anonymous.PostAsync("/api/manage/erase", JsonContent.Create(new { email = "a@example.com" }));
        using var eraseWithoutEmail = await system.Host.PostAsync("/api/manage/erase", JsonContent.Create(new { name = "a" }));
        using var eraseDryRun = await system.Host.PostAsync("/api/manage/erase?dryRun=true", JsonContent.Create(new { email = "nobody@example.com" }));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badTime.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("previous page", await badCursor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badReplayLimit.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, eraseAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, eraseWithoutEmail.StatusCode);
        var nothing = await eraseDryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("n***@example.com", nothing.GetProperty("email").GetString());
        Assert.Equal(0, nothing.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task InviteRefused_DeadLettersOnce_ThenABulkReplayByCause_FinishesIt_WithoutASecondUser()
    {
        // Softr refuses the invitation (as with a key that lacks the right): a permanent failure.
        (await system.Sandbox.PutAsJsonAsync("/sandbox/faults", new { errorRate = 1.0, errorStatus = 403, operations = new[] { "inviteUser" } })).EnsureSuccessStatusCode();
        (await system.Sandbox.DeleteAsync("/sandbox/calls")).EnsureSuccessStatusCode();
        using var accepted = await system.PostWebhookAsync("""{"email":"replay@example.com","full_name":"Re Play"}""", hook: SystemUnderTest.OnboardHook);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        JsonElement status = default;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            status = await system.EventAsync(id!);
            return status.GetProperty("status").GetString() == "DeadLettered";
        }, Patience), "the event was never dead-lettered");
        Assert.Equal("softr-unauthorized", status.GetProperty("cause").GetString());
        var calls = await system.Sandbox.GetFromJsonAsync<JsonElement>("/sandbox/calls");
        Assert.Equal(1, calls.GetProperty("byOperation").GetProperty("inviteUser").GetProperty("403").GetInt32());

        // The cause is fixed; a dry run lists the event, the replay sends it again.
        (await system.Sandbox.DeleteAsync("/sandbox/faults")).EnsureSuccessStatusCode();
        var dryRun = await (await system.Host.PostAsync("/api/manage/dead-letters/replay?cause=softr-unauthorized&dryRun=true", SystemUnderTest.EmptyJson())).Content.ReadFromJsonAsync<JsonElement>();
        var replay = await (await system.Host.PostAsync("/api/manage/dead-letters/replay?cause=softr-unauthorized", SystemUnderTest.EmptyJson())).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Contains(dryRun.GetProperty("items").EnumerateArray(), item => item.GetProperty("eventId").GetString() == id && item.GetProperty("result").GetString() == "would replay");
        Assert.Contains(replay.GetProperty("items").EnumerateArray(), item => item.GetProperty("eventId").GetString() == id && item.GetProperty("result").GetString() == "replayed");
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await system.EventAsync(id!)).GetProperty("status").GetString() == "Succeeded", Patience), "the replay never succeeded");
        calls = await system.Sandbox.GetFromJsonAsync<JsonElement>("/sandbox/calls");
        Assert.Equal(1, calls.GetProperty("byOperation").GetProperty("createUser").EnumerateObject().Sum(entry => entry.Value.GetInt32()));
        Assert.Equal(1, calls.GetProperty("byOperation").GetProperty("inviteUser").GetProperty("200").GetInt32());
        var letters = await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/dead-letters");
        Assert.Equal(JsonValueKind.Null, letters.GetProperty("next").ValueKind);
        Assert.DoesNotContain(letters.GetProperty("items").EnumerateArray(), letter => letter.GetProperty("eventId").GetString() == id);
    }
}
