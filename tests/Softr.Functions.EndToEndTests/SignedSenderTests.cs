using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

/// <summary>A Stripe-signed delivery through the local host and Azurite, as Stripe sends it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignedSenderTests(IngestionOnlySystem system) : IClassFixture<IngestionOnlySystem>
{
    [Fact]
    public async Task StripeEvent_SignedAndItsRetryQueuedUnderOneId_OtherTypesIgnored_ForgeriesRefused()
    {
        const string paid = """{"id":"evt_e2e_1","object":"event","type":"checkout.session.completed","data":{"object":{"payment_status":"paid"}}}""";
        const string other = """{"id":"evt_e2e_2","object":"event","type":"customer.created","data":{"object":{}}}""";
        var events = system.Queues.GetQueueClient(QueueNames.Events);
        var before = (await events.PeekMessagesAsync(maxMessages: 32)).Value.Length;

        using var accepted = await PostStripeAsync(paid, SystemUnderTest.StripeSecret, DateTimeOffset.UtcNow);
        using var retried = await PostStripeAsync(paid, SystemUnderTest.StripeSecret, DateTimeOffset.UtcNow);
        using var ignored = await PostStripeAsync(other, SystemUnderTest.StripeSecret, DateTimeOffset.UtcNow);
        using var forged = await PostStripeAsync(paid, "whsec_not_the_secret", DateTimeOffset.UtcNow);
        using var stale = await PostStripeAsync(paid, SystemUnderTest.StripeSecret, DateTimeOffset.UtcNow.AddMinutes(-10));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var first = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var second = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal("ignored", (await ignored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);

        var queued = (await events.PeekMessagesAsync(maxMessages: 32)).Value;
        // The retry is queued again under the same id (no ledger at the door, D28): processing finds it done.
        Assert.Equal(before + 2, queued.Length);
        Assert.Equal(2, queued.Count(message => message.Body.ToString().Contains($"\"id\":\"{first.GetProperty("id").GetString()}\"", StringComparison.Ordinal)));
        Assert.Equal(2, queued.Count(message => message.Body.ToString().Contains("\"senderEventId\":\"evt_e2e_1\"", StringComparison.Ordinal)));
    }

    private Task<HttpResponseMessage> PostStripeAsync(string body, string secret, DateTimeOffset at) => system.PostStripeAsync(body, secret, at);
}
