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

        // The status URL shows the event's life, without its payload.
        var statusUrl = accepted.GetProperty("statusUrl").GetString()!;
        JsonElement status = default;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            status = await system.EventAsync(statusUrl);
            return status.GetProperty("status").GetString() == "Succeeded";
        }, Patience), "the event never showed as succeeded");
        Assert.Equal(["Accepted", "Processing", "Succeeded"], status.GetProperty("history").EnumerateArray().Select(entry => entry.GetProperty("status").GetString()));
        Assert.Equal("e2e-signup: user.create created the user", status.GetProperty("history")[2].GetProperty("detail").GetString());
        var step = Assert.Single(status.GetProperty("steps").EnumerateArray());
        Assert.Equal("Succeeded", step.GetProperty("state").GetString());
        Assert.Equal("true", step.GetProperty("outputs").GetProperty("created").GetString());
        // Steps' results are there (the email the step used); the payload is not.
        Assert.DoesNotContain("Ada Lovelace", status.GetRawText(), StringComparison.Ordinal);
        using var unknown = await system.Host.GetAsync("/api/events/evt_unknown");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task SameDeliveryThreeTimes_IsAnsweredWithOneId_AndDoneOnce()
    {
        const string body = """{"email":"grace@example.com","full_name":"Grace Hopper"}""";

        var answers = new List<JsonElement>();
        for (var delivery = 0; delivery < 3; delivery++)
        {
            using var response = await system.PostWebhookAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        Assert.Single(answers.Select(answer => answer.GetProperty("id").GetString()).Distinct());
        // A sender without event ids: the same bytes within the hook's window are repeats, and the answer says so.
        Assert.Equal(["accepted", "duplicate", "duplicate"], answers.Select(answer => answer.GetProperty("status").GetString()));
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.SandboxUsersAsync())
            .Any(user => user.GetProperty("email").GetString() == "grace@example.com"), Patience));
        Assert.Single(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "grace@example.com");
    }

    [Fact]
    public async Task TwoEventsForTheSameEmail_MakeOneUser_TheSecondHearsAlreadyExists()
    {
        // Different bodies are different events (both are queued); processing must still not create twice.
        using var first = await system.PostWebhookAsync("""{"email":"hedy@example.com","full_name":"Hedy Lamarr"}""");
        using var second = await system.PostWebhookAsync("""{"email":"hedy@example.com","full_name":"Hedy K. Lamarr"}""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var events = system.Queues.GetQueueClient(QueueNames.Events);
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await events.PeekMessagesAsync(maxMessages: 1)).Value.Length == 0
            && system.Logs.Snapshot().Any(log => log.Message.Contains("found the user already there", StringComparison.Ordinal)), Patience),
            "the second event was not processed");

        Assert.Single(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "hedy@example.com");
        Assert.DoesNotContain((await system.Queues.GetQueueClient(QueueNames.EventsPoison).PeekMessagesAsync(maxMessages: 32)).Value,
            message => message.Body.ToString().Contains("hedy@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PayloadTooLargeForAQueueMessage_TravelsAsAClaimCheck_AndStillBecomesAUser()
    {
        var notes = new string('n', 100 * 1024);
        using var response = await system.PostWebhookAsync($$"""{"email":"big@example.com","full_name":"Big Payload","notes":"{{notes}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.SandboxUsersAsync())
            .Any(user => user.GetProperty("email").GetString() == "big@example.com"), Patience), "the large event never became a user");
        var blob = new Azure.Storage.Blobs.BlobServiceClient(system.StorageConnectionString)
            .GetBlobContainerClient(ContainerNames.Payloads).GetBlobClient($"{id}.json");
        Assert.True((await blob.ExistsAsync()).Value);
    }

    [Fact]
    public async Task UnreadableMessage_IsRetried_ThenPoison_ThenListedAsADeadLetter()
    {
        // system.Queues encodes as the trigger expects (base64), so the listener decodes it and fails on its content.
        var events = system.Queues.GetQueueClient(QueueNames.Events);
        await events.SendMessageAsync("this is not an envelope");

        JsonElement letters = default;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            letters = await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/dead-letters?cause=poison");
            // The runtime re-sends it to the poison queue as a new message, so it is known by that message's id.
            return letters.GetProperty("items").EnumerateArray().Any(letter => letter.GetProperty("eventId").GetString()!.StartsWith("unreadable-", StringComparison.Ordinal));
        }, Patience), "the message never reached the dead letters");
        Assert.Equal(0, (await system.Queues.GetQueueClient(QueueNames.EventsPoison).GetPropertiesAsync()).Value.ApproximateMessagesCount);
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
        // Nor the user's email, even at Trace level: Softr URLs carry it, and the client does not log them.
        Assert.DoesNotContain(logs, log => log.Message.Contains("logs@example.com", StringComparison.OrdinalIgnoreCase)
            || log.Message.Contains("logs%40example.com", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, log => log.Message.Contains(SystemUnderTest.HookSecret, StringComparison.Ordinal)
            || log.Message.Contains(SystemUnderTest.SoftrApiKey, StringComparison.Ordinal)
            || (log.Exception?.ToString().Contains(SystemUnderTest.SoftrApiKey, StringComparison.Ordinal) ?? false));
    }
}
