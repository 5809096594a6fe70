using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

[Collection(EndToEndCollection.Name)]
public sealed class WebhookToSoftrUserTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Webhook_BecomesAUserInTheSandbox()
    {
        using var response = await system.PostWebhookAsync("""{"email":"ada@example.com","full_name":"Ada Lovelace"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        Assert.StartsWith("evt_", accepted.GetProperty("id").GetString(), StringComparison.Ordinal);

        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.SandboxUsersAsync())
            .Any(user => user.GetProperty("email").GetString() == "ada@example.com"), Patience), "the user never appeared in the sandbox");
        var user = (await system.SandboxUsersAsync()).Single(user => user.GetProperty("email").GetString() == "ada@example.com");
        Assert.Equal("Ada Lovelace", user.GetProperty("full_name").GetString());
    }

    [Fact]
    public async Task SameSignupDeliveredThreeTimes_MakesOneUserAndNoPoison()
    {
        const string body = """{"email":"grace@example.com","full_name":"Grace Hopper"}""";

        for (var delivery = 0; delivery < 3; delivery++)
        {
            using var response = await system.PostWebhookAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // All three are processed: the queue drains and every attempt after the first hears "already exists".
        var events = system.Queues.GetQueueClient(QueueNames.Events);
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await events.PeekMessagesAsync(maxMessages: 1)).Value.Length == 0
            && system.Logs.Snapshot().Count(log => log.Message.Contains("already existed", StringComparison.Ordinal)) >= 2, Patience),
            "the duplicates were not all processed");

        Assert.Single(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "grace@example.com");
        Assert.Empty((await system.Queues.GetQueueClient(QueueNames.EventsPoison).PeekMessagesAsync(maxMessages: 32)).Value);
    }

    [Fact]
    public async Task UnreadableMessage_IsRetriedThenMovedToThePoisonQueue()
    {
        // system.Queues encodes as the trigger expects (base64), so the listener decodes it and fails on its content.
        var events = system.Queues.GetQueueClient(QueueNames.Events);
        var poison = system.Queues.GetQueueClient(QueueNames.EventsPoison);
        await events.SendMessageAsync("this is not an envelope");

        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await poison.PeekMessagesAsync(maxMessages: 32)).Value.Any(message => message.Body.ToString() == "this is not an envelope"), Patience),
            "the message never reached the poison queue");
    }

    [Fact]
    public async Task Logs_NeverContainTheHookSecretOrTheSoftrApiKey()
    {
        using var response = await system.PostWebhookAsync("""{"email":"logs@example.com","full_name":"Log Reader"}""");
        using var refused = await system.PostWebhookAsync("""{"email":"logs@example.com","full_name":"Log Reader"}""", secret: "wrong-secret-0123456789");
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.SandboxUsersAsync())
            .Any(user => user.GetProperty("email").GetString() == "logs@example.com"), Patience));

        var logs = system.Logs.Snapshot();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, log => log.Message.Contains(SystemUnderTest.HookSecret, StringComparison.Ordinal)
            || log.Message.Contains(SystemUnderTest.SoftrApiKey, StringComparison.Ordinal)
            || (log.Exception?.ToString().Contains(SystemUnderTest.SoftrApiKey, StringComparison.Ordinal) ?? false));
    }
}
