using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// Issue #16: what a newcomer's first run shows is what happens, and no warning or error for what is
/// normal: on a fresh storage account, the first health probe (nothing created yet), a first webhook and
/// its processing leave no warning or error in the logs and no span marked as failed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FirstScreenTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    [Fact]
    public async Task AFreshStart_AHealthProbe_AndAFirstWebhook_ShowNoWarningAndNoFailedSpan()
    {
        using var health = await system.Anonymous.GetAsync(new Uri(system.Host.BaseAddress!, "/api/health"));
        using var accepted = await system.PostWebhookAsync("""{"email":"first@example.com","full_name":"First Run"}""");
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.EventAsync(id)).GetProperty("status").GetString() == "Succeeded",
            TimeSpan.FromSeconds(30)));
        Assert.True(await system.ProcessingSpanEndedAsync(id), "the processing span did not end");

        var loud = system.Logs.Snapshot().Where(log => log.Level >= LogLevel.Warning).Select(log => $"{log.Level} {log.Category}: {log.Message}").ToList();
        // The test's own calls to the host run in this process too (a poll answered 404 before processing
        // picks the event up): only the app's spans are judged.
        var host = system.Host.BaseAddress!.GetLeftPart(UriPartial.Authority);
        List<Activity> spans;
        lock (system.Spans)
        {
            spans = [.. system.Spans];
        }
        var failed = spans
            .Where(span => span.Status == ActivityStatusCode.Error)
            .Where(span => !(span.Kind == ActivityKind.Client && (span.GetTagItem("url.full") as string ?? "").StartsWith(host, StringComparison.Ordinal)))
            .Select(span => $"{span.DisplayName} {span.GetTagItem("url.full")}").ToList();

        Assert.True(health.IsSuccessStatusCode);
        Assert.Empty(loud);
        Assert.Empty(failed);
    }
}
