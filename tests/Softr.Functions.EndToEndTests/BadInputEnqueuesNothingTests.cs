using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Softr.Functions.App;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

/// <summary>Refused deliveries leave the queue untouched; an accepted one is on it before the 200.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BadInputEnqueuesNothingTests(IngestionOnlySystem system) : IClassFixture<IngestionOnlySystem>
{
    private QueueClient Events => system.Queues.GetQueueClient(QueueNames.Events);

    [Fact]
    public async Task BadDeliveries_AreRefusedWithProblemDetails_ThenAGoodOneIsQueuedBeforeItsAnswer()
    {
        await ExpectProblemAsync(await system.PostWebhookAsync("{not json"), HttpStatusCode.BadRequest, "invalid-json");
        await ExpectProblemAsync(await system.PostWebhookAsync("""{"full_name":"No Email"}"""), HttpStatusCode.BadRequest, "validation");
        await ExpectProblemAsync(await system.PostWebhookAsync("""{"email":"not-an-email","full_name":"Bad"}"""), HttpStatusCode.BadRequest, "validation");
        await ExpectProblemAsync(await system.PostWebhookAsync("""{"email":"a@example.com","full_name":"A"}""", hook: "unknown"), HttpStatusCode.NotFound, "unknown-hook");
        await ExpectProblemAsync(await system.PostWebhookAsync("""{"email":"a@example.com","full_name":"A"}""", secret: "wrong-secret-0123456789"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ExpectProblemAsync(await system.PostWebhookAsync("""{"email":"a@example.com","full_name":"A"}""", secret: null), HttpStatusCode.Unauthorized, "unauthenticated");

        Assert.Equal(0, await CountAsync());

        using var accepted = await system.PostWebhookAsync("""{"email":"queued@example.com","full_name":"Queued"}""");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // Checked right after the answer, with no wait: the 200 means the message is already stored.
        // (system.Queues decodes base64 as the trigger does, so the body reads as the JSON envelope.)
        var message = Assert.Single((await Events.PeekMessagesAsync(maxMessages: 32)).Value);
        var envelope = JsonDocument.Parse(message.Body.ToString()).RootElement;
        Assert.Equal(id, envelope.GetProperty("id").GetString());
        Assert.Equal("queued@example.com", envelope.GetProperty("payload").GetProperty("email").GetString());
        Assert.DoesNotContain(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "queued@example.com");

        // This test's own premise: the system runs without the queue listener (IngestionOnlySystem), so an empty
        // queue above meant "nothing was enqueued", not "something was consumed"; the message is still unread.
        Assert.Equal("true", system.Setting("AzureWebJobs.ProcessEvent.Disabled"));
        Assert.Equal(0, message.DequeueCount);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task TwentyConcurrentDeliveriesOfOneEvent_AreAllAccepted_UnderOneId()
    {
        const string body = """{"email":"concurrent@example.com","full_name":"Twenty Times"}""";
        var before = await CountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => system.PostWebhookAsync(body)));

        // Each is queued under the same id (no ledger at the door, D28); processing does the event once
        // (TableEventStoreTests, FaultyDeliveryTests, WebhookToSoftrUserTests).
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var ids = new HashSet<string?>();
        foreach (var response in responses.Where(response => response.StatusCode == HttpStatusCode.OK))
        {
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        }
        Assert.Single(ids);
        // Past the hook's burst (20, and the other test's deliveries count too) a delivery goes to the overflow
        // queue; only with that lane's listener off as well does the count below see every one of them.
        Assert.Equal("true", system.Setting($"AzureWebJobs.{ProcessEventFunction.OverflowName}.Disabled"));
        Assert.Equal(before + 20, await CountAsync());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    /// <summary>What waits in the normal lane: its queue and its overflow (the hook's deliveries past its burst go there).</summary>
    private async Task<int> CountAsync() =>
        (await Events.PeekMessagesAsync(maxMessages: 32)).Value.Length
        + (await system.Queues.GetQueueClient(QueueNames.EventsOverflow).PeekMessagesAsync(maxMessages: 32)).Value.Length;

    private static async Task ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string problem)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal($"urn:softr-functions:problem:{problem}", body.GetProperty("type").GetString());
            Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        }
    }
}
