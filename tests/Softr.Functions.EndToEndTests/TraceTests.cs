using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Telemetry;

namespace Softr.Functions.EndToEndTests;

/// <summary>One webhook is one trace: the HTTP request, ingestion, processing after the queue, each step and each Softr call.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TraceTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task OneWebhook_IsOneTrace_FromTheRequestThroughTheQueueToTheSoftrCall()
    {
        using var response = await system.PostWebhookAsync("""{"email":"trace@example.com","full_name":"Trace Me"}""");
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await system.EventAsync(id!)).GetProperty("status").GetString() == "Succeeded", TimeSpan.FromSeconds(30)));
        // The processing span ends just after the status is written: give it a moment to be exported.
        Assert.True(await SystemUnderTest.EventuallyAsync(() => Task.FromResult(Snapshot().Any(span => span.DisplayName == "event process" && Tagged(span, id))), TimeSpan.FromSeconds(5)));

        var spans = Snapshot();
        var ingest = Assert.Single(spans, span => span.DisplayName == "webhook ingest" && Tagged(span, id));
        var trace = ingest.TraceId;
        var mine = spans.Where(span => span.TraceId == trace).ToList();
        var request = Assert.Single(mine, span => span.Kind == ActivityKind.Server && span.DisplayName.Contains("hooks", StringComparison.Ordinal));
        var process = Assert.Single(mine, span => span.DisplayName == "event process");
        var step = Assert.Single(mine, span => span.DisplayName == "step user.create");
        var softr = Assert.Single(mine, span => span.Kind == ActivityKind.Client && span.GetTagItem("url.full") is string url && url.EndsWith("/v1/api/users", StringComparison.Ordinal));

        // Parent chain: request > ingest; ingest > (queue) > process > step > Softr call.
        Assert.Equal(request.SpanId, ingest.ParentSpanId);
        Assert.Equal(ingest.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, step.ParentSpanId);
        Assert.True(softr.ParentSpanId == step.SpanId || mine.Any(span => span.SpanId == softr.ParentSpanId && span.ParentSpanId == step.SpanId),
            "the Softr call is not under the step");
        Assert.True(Tagged(process, id) && Tagged(step, id));
    }

    private List<Activity> Snapshot()
    {
        lock (system.Spans)
        {
            return [.. system.Spans];
        }
    }

    private static bool Tagged(Activity span, string? eventId) => span.GetTagItem(SoftrTelemetry.EventIdTag) as string == eventId;
}
