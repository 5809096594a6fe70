using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

/// <summary>The dry run through the local host: key required, the plan with every mapped value, nothing queued, nothing called.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class DryRunTests(IngestionOnlySystem system) : IClassFixture<IngestionOnlySystem>
{
    private const string Route = "/api/manage/hooks/payments/dry-run";
    private const string PaidCheckout = """
        { "id": "evt_dry_1", "type": "checkout.session.completed",
          "data": { "object": { "payment_status": "paid", "customer_details": { "email": "Ada@Example.com", "name": "Ada Lovelace" } } } }
        """;

    [Fact]
    public async Task WithoutTheKey_IsRefusedWith401()
    {
        using var refused = await system.Anonymous.PostAsync(Route, Json(PaidCheckout));
        using var wrongKey = new HttpRequestMessage(HttpMethod.Post, Route) { Content = Json(PaidCheckout), Headers = { { "x-functions-key", "guess" } } };
        using var guessed = await system.Anonymous.SendAsync(wrongKey);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
    }

    [Fact]
    public async Task ASampleEvent_GivesThePlan_MasksSecrets_AndQueuesAndCallsNothing()
    {
        var callsBefore = await system.Sandbox.GetStringAsync("/sandbox/calls");
        var queue = system.Queues.GetQueueClient(QueueNames.Events);
        await queue.CreateIfNotExistsAsync();
        var queuedBefore = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        using var response = await system.Host.PostAsync(Route, Json(PaidCheckout));
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("accepted", "checkout.session.completed"), (plan.GetProperty("verdict").GetString(), plan.GetProperty("eventType").GetString()));
        var outcome = plan.GetProperty("automations")[0];
        Assert.Equal(("paid-checkout", "Planned"), (outcome.GetProperty("name").GetString(), outcome.GetProperty("status").GetString()));
        var create = outcome.GetProperty("steps")[0];
        Assert.Equal(("user.create", "Write"), (create.GetProperty("action").GetString(), create.GetProperty("kind").GetString()));
        Assert.Equal("ada@example.com", create.GetProperty("inputs").GetProperty("email").GetProperty("value").GetString());
        Assert.Equal("***", create.GetProperty("inputs").GetProperty("password").GetProperty("value").GetString());
        Assert.DoesNotContain(SystemUnderTest.StripeSecret, plan.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("{{ steps.user.email }}", outcome.GetProperty("steps")[1].GetProperty("inputs").GetProperty("email").GetProperty("deferred").GetString());
        Assert.Equal(queuedBefore, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(callsBefore, await system.Sandbox.GetStringAsync("/sandbox/calls"));
    }

    [Fact]
    public async Task AnUnpaidCheckout_SaysWhyNothingWouldRun()
    {
        using var response = await system.Host.PostAsync(Route, Json(PaidCheckout.Replace("\"paid\"", "\"unpaid\"", StringComparison.Ordinal)));
        var outcome = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("automations")[0];

        Assert.Equal("ConditionFailed", outcome.GetProperty("status").GetString());
        Assert.Equal("payload.data.object.payment_status must equal 'paid' (it was something else)", outcome.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task UnknownHook_And_BadJson_AreProblems()
    {
        using var unknown = await system.Host.PostAsync("/api/manage/hooks/nope/dry-run", Json("{}"));
        using var broken = await system.Host.PostAsync(Route, Json("{\"id\":"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
