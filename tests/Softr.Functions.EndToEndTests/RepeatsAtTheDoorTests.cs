using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// Issue #23, item 2.1, through the local host and Azurite: a sender without event ids is deduplicated on
/// its bytes only within the hook's window, so a person who asks again after their user was deleted is
/// served again; an Idempotency-Key sent by many deliveries at once makes one event; the answer says which.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RepeatsAtTheDoorTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task APersonWhoAsksAgainAfterTheWindow_IsServedAgain_WhileARetryWithinItIsARepeat()
    {
        const string body = """{"email":"again@example.com","full_name":"Ask Again"}""";

        var first = await AnswerAsync(await system.PostWebhookAsync(body, hook: SystemUnderTest.RepeatsHook));
        var retry = await AnswerAsync(await system.PostWebhookAsync(body, hook: SystemUnderTest.RepeatsHook));
        Assert.True(await SucceededAsync(first.Id));
        await system.DeleteSandboxUserAsync("again@example.com");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the hook's two-second window
        var later = await AnswerAsync(await system.PostWebhookAsync(body, hook: SystemUnderTest.RepeatsHook));

        Assert.Equal(("accepted", "duplicate", "accepted"), (first.Status, retry.Status, later.Status));
        Assert.Equal(first.Id, retry.Id);
        Assert.NotEqual(first.Id, later.Id);
        Assert.True(await SucceededAsync(later.Id));
        Assert.Contains(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "again@example.com");
    }

    [Fact]
    public async Task ManyDeliveriesWithOneIdempotencyKeyAtOnce_AreOneEvent_AndTheAnswersSaySo()
    {
        var key = Guid.NewGuid().ToString("N");
        var body = """{"email":"keyed@example.com","full_name":"Keyed Once"}""";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await AnswerAsync(
            await system.PostWebhookAsync(body, hook: SystemUnderTest.RepeatsHook, idempotencyKey: key))));

        Assert.Single(answers, answer => answer.Status == "accepted");
        Assert.Equal(7, answers.Count(answer => answer.Status == "duplicate"));
        var id = Assert.Single(answers.Select(answer => answer.Id).Distinct());
        Assert.True(await SucceededAsync(id));
        Assert.Single(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "keyed@example.com");
    }

    private async Task<bool> SucceededAsync(string id) =>
        await SystemUnderTest.EventuallyAsync(async () => (await system.EventAsync(id)).GetProperty("status").GetString() == "Succeeded", Patience);

    private static async Task<(string Status, string Id)> AnswerAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            return (body.GetProperty("status").GetString()!, body.GetProperty("id").GetString()!);
        }
    }
}
