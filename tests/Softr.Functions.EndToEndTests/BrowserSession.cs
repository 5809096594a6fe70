using Microsoft.Playwright;

namespace Softr.Functions.EndToEndTests;

/// <summary>Chromium with one page (on the console, or any page of the host); skips the test when Chromium is not installed (fails under CI).</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Debian's Chromium, launched by its path: never a downloaded browser.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page, string consoleUrl)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        ConsoleUrl = consoleUrl;
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public string ConsoleUrl { get; }

    public static async Task<BrowserSession> OpenAsync(SystemUnderTest system, ViewportSize? viewport = null)
    {
        var installed = File.Exists(Chromium);
        Assert.False(!installed && Environment.GetEnvironmentVariable("CI") == "true", $"{Chromium} is missing: CI must install Debian's chromium (test.sh does, as root).");
        Skip.IfNot(installed, $"{Chromium} is not installed (apt-get install -y chromium); the browser tests did not run.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root in a container, and without reaching for Google's services on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        var session = new BrowserSession(playwright, browser, page, new Uri(system.Host.BaseAddress!, "/api/console").ToString());
        // Script errors are printed with the test's output: a broken page shows why, not only what is missing.
        page.PageError += (_, error) => session.Errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session.Errors.Add(message.Text);
            }
        };
        return session;
    }

    /// <summary>The README's screenshots: saved only when CONSOLE_SCREENSHOTS names a folder.</summary>
    public async Task ScreenshotAsync(string name, bool fullPage = true)
    {
        if (Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = fullPage });
        }
    }

    public async ValueTask DisposeAsync()
    {
        Console.WriteLine(string.Join(Environment.NewLine, Errors));
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
