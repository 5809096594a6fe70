using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests;

/// <summary>The operator's list of events (issue #15, its first part): newest first, filtered, paged, behind the admin key; written by processing, not the door.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EventListTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task ProcessedEvents_AreListedNewestFirst_FilteredAndPaged()
    {
        var ids = new List<string>();
        foreach (var name in new[] { "one", "two", "three" })
        {
            using var response = await system.PostWebhookAsync($$"""{"email":"list-{{name}}@example.com","full_name":"List {{name}}"}""");
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            ids.Add(id);
            Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
                (await system.EventAsync(id!)).GetProperty("status").GetString() == "Succeeded", TimeSpan.FromSeconds(30)));
            await Task.Delay(20); // distinct receipt times
        }

        var first = await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events?hook={SystemUnderTest.Hook}&limit=2");
        var second = await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events?hook={SystemUnderTest.Hook}&limit=2&next={first.GetProperty("next").GetString()}");
        var succeeded = await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events?status=succeeded&hook={SystemUnderTest.Hook}");
        var failed = await system.Host.GetFromJsonAsync<JsonElement>($"/api/manage/events?status=DeadLettered&hook={SystemUnderTest.Hook}");
        using var anonymous = await system.Anonymous.GetAsync("/api/manage/events");
        using var badStatus = await system.Host.GetAsync("/api/manage/events?status=done");

        string[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("eventId").GetString()!)];
        Assert.Equal([ids[2], ids[1]], Ids(first));
        Assert.Equal([ids[0]], Ids(second).Where(ids.Contains));
        Assert.Subset(Ids(succeeded).ToHashSet(), ids.ToHashSet());
        Assert.DoesNotContain(Ids(failed), ids.Contains);
        var item = first.GetProperty("items")[0];
        Assert.Equal("Succeeded", item.GetProperty("status").GetString());
        Assert.DoesNotContain("example.com", first.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
    }
}
