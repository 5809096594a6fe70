using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// The operator console in a real browser (issue #15): Playwright for .NET driving Debian's Chromium,
/// launched by its path (never a downloaded browser). test.sh installs Chromium where it can (apt, as
/// root); where it cannot, the test is skipped, except under CI, where it fails.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConsoleBrowserTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task SignIn_SeeAnEventSucceed_SignOut_AndNoKeyIsLeftInThePageOrTheBrowsersStorage()
    {
        var installed = File.Exists(Chromium);
        Assert.False(!installed && Environment.GetEnvironmentVariable("CI") == "true", $"{Chromium} is missing: CI must install Debian's chromium (test.sh does, as root).");
        Skip.IfNot(installed, $"{Chromium} is not installed (apt-get install -y chromium); the console's browser test did not run.");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root in a container, and without reaching for Google's services on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(system.Host.BaseAddress!, "/api/console").ToString());
        var source = await page.ContentAsync();

        await page.GetByLabel("Admin key").FillAsync(SystemUnderTest.MasterKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Events" }).WaitForAsync();
        using var response = await system.PostWebhookAsync("""{"email":"console@example.com","full_name":"Console Viewer"}""");
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var row = page.Locator($"tr[data-event-id='{id}']");
        for (var tries = 0; tries < 60 && !(await row.CountAsync() > 0 && (await row.InnerTextAsync()).Contains("Succeeded", StringComparison.Ordinal)); tries++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await Task.Delay(500);
        }
        var shown = await row.InnerTextAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        var storage = await page.EvaluateAsync<int>("() => sessionStorage.length + localStorage.length");
        var after = await page.ContentAsync();

        Assert.DoesNotContain(SystemUnderTest.MasterKey, source, StringComparison.Ordinal);
        Assert.Contains("Succeeded", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("console@example.com", shown, StringComparison.Ordinal);
        Assert.Equal(0, storage);
        Assert.DoesNotContain(SystemUnderTest.MasterKey, after, StringComparison.Ordinal);
        Assert.DoesNotContain(SystemUnderTest.MasterKey, page.Url, StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Admin key").IsVisibleAsync(), "the sign-in form is not shown after sign-out");
    }
}
