using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// Every operation in docs/openapi.yaml, called once through the local host, each answer checked against
/// the document (<see cref="ApiContractCheck"/>): with the rest of the end-to-end tests, whose every answer
/// is checked too, this is what holds the document to what the app does.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OurApiTourTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task EveryDocumentedOperation_AnswersAsDocumented()
    {
        Assert.Equal(HttpStatusCode.OK, (await system.Anonymous.GetAsync("/api/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Anonymous.GetAsync("/api/console")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Anonymous.GetAsync("/api/console/console.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Anonymous.GetAsync("/api/console/nothing.js")).StatusCode);

        const string signup = """{"email":"tour@example.com","full_name":"Tour Guide"}""";
        using var accepted = await system.PostWebhookAsync(signup);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True(await SystemUnderTest.EventuallyAsync(
            async () => (await system.EventAsync(id)).GetProperty("status").GetString() == "Succeeded", TimeSpan.FromSeconds(30)));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Host.GetAsync("/api/events/evt_never")).StatusCode);

        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events?hook={SystemUnderTest.Hook}")).GetProperty("items").GetArrayLength() > 0,
            TimeSpan.FromSeconds(30)));
        Assert.Equal(HttpStatusCode.OK, (await system.Host.GetAsync($"/api/manage/events/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Host.PostAsync($"/api/manage/events/{id}/replay?dryRun=true", SystemUnderTest.EmptyJson())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.GetAsync("/api/manage/hooks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.PostAsync($"/api/manage/hooks/{SystemUnderTest.Hook}/dry-run",
            new StringContent(signup, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.GetAsync("/api/manage/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.GetAsync("/api/manage/dead-letters/causes")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.PostAsync("/api/manage/dead-letters/replay?dryRun=true", SystemUnderTest.EmptyJson())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.GetAsync("/api/manage/overview?hours=1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Host.PostAsync("/api/manage/erase?dryRun=true",
            new StringContent("""{"email":"tour@example.com"}""", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await system.Anonymous.GetAsync("/api/manage/hooks")).StatusCode);

        var documented = OpenApiContract.Ours.Operations().Select(operation => operation.OperationId).Order().ToList();
        Assert.Equal(documented, system.Answers.Seen.Keys.Order().ToList());
    }
}
