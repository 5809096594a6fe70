using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Softr.Functions.App;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.App;

/// <summary>The JSON a sender gets for the answers added with batches and input rules.</summary>
public sealed class WebhookResponsesTests
{
    [Fact]
    public void Batch_ListsEachEventInOrder_WithItsIdAndStatus()
    {
        var result = WebhookResponses.From(new IngestionResult.Batch(
        [
            new IngestionResult.Accepted("evt_a"),
            new IngestionResult.Accepted("evt_b"),
            new IngestionResult.Ignored("contact.deletion"),
        ]));

        var json = JsonSerializer.SerializeToElement(Assert.IsType<OkObjectResult>(result).Value);
        Assert.Equal("accepted", json.GetProperty("status").GetString());
        var events = json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["accepted", "accepted", "ignored"], events.Select(item => item.GetProperty("status").GetString()));
        Assert.Equal("evt_a", events[0].GetProperty("id").GetString());
        Assert.Equal("/api/events/evt_b", events[1].GetProperty("statusUrl").GetString());
        Assert.Equal("contact.deletion", events[2].GetProperty("type").GetString());
        Assert.False(events[2].TryGetProperty("id", out _));
    }
}
