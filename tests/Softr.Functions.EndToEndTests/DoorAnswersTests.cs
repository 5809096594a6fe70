using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// What a sender is told at the door, over HTTP through the local host, and what becomes of the event:
/// 422 for a person's ill-formed value, 200 and a dead letter for a server's, 400 for bytes that cannot
/// be read back, and a hook called in another case running under its configured name.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DoorAnswersTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task IllFormedEmailFromAForm_Is422ProblemNamingAutomationStepAndInput_AndNoUserIsMade()
    {
        using var response = await system.PostWebhookAsync("""{"email":"ada\r\nbcc: eve@example.com","full_name":"Ada"}""", hook: SystemUnderTest.OnboardHook);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urn:softr-functions:problem:invalid-input", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors").GetProperty("onboard/user/email");
        Assert.Contains("control character", errors[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("eve@example.com", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IllFormedEmailFromStripe_Is200_ThenDeadLetteredAsInvalidInput_WithNoSoftrCall()
    {
        const string Checkout = """
            {"id":"evt_e2e_invalid_1","object":"event","type":"checkout.session.completed",
             "data":{"object":{"payment_status":"paid","customer_details":{"email":"12345","name":"Ada"}}}}
            """;

        using var response = await system.PostStripeAsync(Checkout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement status = default;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            status = await system.EventAsync(accepted.GetProperty("statusUrl").GetString()!);
            return status.GetProperty("status").GetString() == "DeadLettered";
        }, Patience), "the event was never dead-lettered");
        Assert.Equal("invalid-input", status.GetProperty("cause").GetString());
        Assert.Empty(status.GetProperty("steps").EnumerateArray());
        Assert.DoesNotContain(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "12345");
        // The event's page shows the plan processing made, and why it did not run (written with the dead letter, D40).
        var detail = await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events/{Uri.EscapeDataString(accepted.GetProperty("id").GetString()!)}");
        Assert.Equal("InvalidInput", detail.GetProperty("plan").GetProperty("automations")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task LoneSurrogateEscape_Is400_AndTheRetryIsNot409()
    {
        const string Body = """{"email":"ada@example.com","full_name":"A\ud800da"}""";

        using var first = await system.PostWebhookAsync(Body, hook: SystemUnderTest.OnboardHook);
        using var retry = await system.PostWebhookAsync(Body, hook: SystemUnderTest.OnboardHook);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, retry.StatusCode);
        Assert.Contains("/full_name", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HookCalledInAnotherCase_RunsUnderItsConfiguredName()
    {
        using var response = await system.PostWebhookAsync("""{"email":"katherine@example.com","full_name":"Katherine Johnson"}""", hook: "ONBOARD");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        JsonElement status = default;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            status = await system.EventAsync(accepted.GetProperty("statusUrl").GetString()!);
            return status.GetProperty("status").GetString() == "Succeeded";
        }, Patience), "the event never succeeded");
        Assert.Equal(SystemUnderTest.OnboardHook, status.GetProperty("hook").GetString());
        Assert.Contains(await system.SandboxUsersAsync(), user => user.GetProperty("email").GetString() == "katherine@example.com");
    }
}
