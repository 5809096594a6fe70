using Softr.Functions.Testing;
using static Microsoft.Playwright.Assertions;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// The local host serves our API's description (docs/openapi.yaml as it is in the repository) and its
/// reference (Scalar) at /api/docs, which a browser renders without reaching anything but the host.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApiDocsTests(IngestionOnlySystem system) : IClassFixture<IngestionOnlySystem>
{
    [Fact]
    public async Task TheDescription_IsServed_AsInTheRepository()
    {
        // Not through system.Host: these two routes are the local host's own, not functions in the document.
        using var http = new HttpClient { BaseAddress = system.Host.BaseAddress };
        using var response = await http.GetAsync("/api/openapi.yaml");

        response.EnsureSuccessStatusCode();
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "docs", "openapi.yaml")), await response.Content.ReadAsByteArrayAsync());
    }

    [SkippableFact]
    public async Task TheReference_ShowsEveryOperation_FromTheHostAlone()
    {
        await using var session = await BrowserSession.OpenAsync(system);
        var page = session.Page;
        var hosts = new List<string>();
        page.Request += (_, request) => hosts.Add(new Uri(request.Url).Host);

        await page.GotoAsync(new Uri(system.Host.BaseAddress!, "/api/docs").ToString());

        await Expect(page.GetByText("Receive a webhook").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText("Replay every matching dead letter").First).ToBeAttachedAsync();
        await session.ScreenshotAsync("api-docs", fullPage: false);
        Assert.NotEmpty(hosts);
        Assert.All(hosts, host => Assert.Equal(system.Host.BaseAddress!.Host, host));
    }
}
