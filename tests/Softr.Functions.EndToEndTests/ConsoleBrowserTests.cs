using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// The operator console in a real browser (issue #15): Playwright for .NET driving Debian's Chromium,
/// launched by its path (never a downloaded browser). test.sh installs Chromium where it can (apt, as
/// root); where it cannot, the tests are skipped, except under CI, where they fail. With
/// <c>CONSOLE_SCREENSHOTS=docs/images</c> set, the scenario saves the README's screenshots there.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConsoleBrowserTests(RunningSystem system) : IClassFixture<RunningSystem>
{
    private static readonly float Patience = 60_000;

    [SkippableFact]
    public async Task AnOperator_WatchesAnEventSucceed_FindsADeadLetterByItsCause_ReplaysIt_AndSignsOutLeavingNoKey()
    {
        await using var session = await BrowserSession.OpenAsync(system);
        var page = session.Page;
        await page.GotoAsync(session.ConsoleUrl);
        var source = await page.ContentAsync();

        // Sign in: the overview lists every hook.
        await page.GetByLabel("Admin key").FillAsync(SystemUnderTest.MasterKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-hook='{SystemUnderTest.OnboardHook}']")).ToBeVisibleAsync();

        // A webhook succeeds: its page shows the steps with their Softr calls, and the payload masked.
        var succeeded = await SendAsync("console@example.com", "Console Viewer");
        await page.GotoAsync($"{session.ConsoleUrl}#event/{succeeded}");
        await Expect(page.Locator("#event-status")).ToHaveTextAsync("Succeeded", new() { Timeout = Patience });
        await Expect(page.Locator("[data-step='onboard/user']")).ToContainTextAsync("POST /v1/api/users");
        await Expect(page.Locator("[data-step='onboard/user']")).ToContainTextAsync("→ 200");
        await Expect(page.Locator("#payload")).ToContainTextAsync("c***@example.com");
        await Expect(page.Locator("#plan")).ToContainTextAsync("user.create");
        var eventPage = await page.Locator("main").InnerTextAsync();
        await session.ScreenshotAsync("console-event");

        // The events list has it, found by its id through the search box.
        await page.GotoAsync($"{session.ConsoleUrl}#events");
        await page.GetByLabel("Event id or sender's id").FillAsync(succeeded);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Event {succeeded}" })).ToBeVisibleAsync();

        // Softr refuses invitations: the next event is dead-lettered, and its cause is listed with a count.
        (await system.Sandbox.PutAsJsonAsync("/sandbox/faults", new { errorRate = 1.0, errorStatus = 403, operations = new[] { "inviteUser" } })).EnsureSuccessStatusCode();
        string failed;
        try
        {
            failed = await SendAsync("refused@example.com", "Re Fused");
            await page.GotoAsync($"{session.ConsoleUrl}#event/{failed}");
            await Expect(page.Locator("#event-status")).ToContainTextAsync("DeadLettered", new() { Timeout = Patience });
            await Expect(page.Locator("#event-status")).ToContainTextAsync("softr-unauthorized");
            await Expect(page.Locator("ol.timeline")).ToContainTextAsync("403");
        }
        finally
        {
            (await system.Sandbox.DeleteAsync("/sandbox/faults")).EnsureSuccessStatusCode();
        }
        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        var cause = page.Locator("tr[data-cause='softr-unauthorized']");
        await Expect(cause).ToContainTextAsync("1");
        await cause.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator($"tr[data-event-id='{failed}']")).ToContainTextAsync("softr-unauthorized");
        // What to fix before replaying, said for the cause.
        await Expect(page.Locator("#cause-advice")).ToContainTextAsync("Softr:ApiKey");

        // With the cause fixed: a dry run says what a replay would take, then the replay finishes the event.
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview the replay (dry run)" }).ClickAsync();
        await Expect(page.Locator("#replay-preview")).ToContainTextAsync("would take 1 dead letter with cause softr-unauthorized");
        await session.ScreenshotAsync("console-dead-letters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay 1" }).ClickAsync();
        await Expect(page.Locator("#replay-preview")).ToContainTextAsync("1 of 1 replayed");
        await page.GotoAsync($"{session.ConsoleUrl}#event/{failed}");
        await Expect(page.Locator("#event-status")).ToHaveTextAsync("Succeeded", new() { Timeout = Patience });

        // The overview counts what happened (instances write their counts every second here).
        await page.GotoAsync($"{session.ConsoleUrl}#hooks");
        // Which Softr app each hook, and each of its steps, calls.
        await Expect(page.Locator($"section[data-hook='{SystemUnderTest.OnboardHook}'] dd[data-connections]")).ToHaveTextAsync("default");
        await Expect(page.Locator($"section[data-hook='{SystemUnderTest.OnboardHook}'] li[data-connection='default']")).ToHaveCountAsync(2);
        await page.GotoAsync($"{session.ConsoleUrl}#overview");
        var onboard = page.Locator($"tr[data-hook='{SystemUnderTest.OnboardHook}']");
        await Expect(onboard).ToBeVisibleAsync();
        await Expect(page.Locator("#per-minute canvas")).ToBeVisibleAsync();
        // Today's activity fills the chart: it opens on the shortest range that holds it, and the others are a click away.
        await Expect(page.Locator("#per-minute")).ToHaveAttributeAsync("data-hours", "1");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "1 h" })).ToHaveAttributeAsync("aria-pressed", "true");
        await page.GetByRole(AriaRole.Button, new() { Name = "24 h" }).ClickAsync();
        await Expect(page.Locator("#per-minute")).ToHaveAttributeAsync("data-hours", "24");
        await Expect(page.Locator("#per-minute canvas")).ToBeVisibleAsync();
        // Each lane's backlog, its oldest event and its drain time.
        foreach (var lane in new[] { "high", "normal", "bulk" })
        {
            await Expect(page.Locator($".card[data-lane='{lane}']")).ToContainTextAsync($"waiting in the {lane} lane");
        }
        await Expect(page.Locator("#softr-429")).ToContainTextAsync("of Softr calls answered 429");
        // Each Softr app's own calls and waits, and a way to its dead letters.
        var connection = page.Locator("tr[data-connection='default']");
        await Expect(connection).ToContainTextAsync(SystemUnderTest.SoftrDomain);
        await connection.GetByRole(AriaRole.Link, new() { Name = "see" }).ClickAsync();
        await Expect(page.Locator("#connection-filter")).ToContainTextAsync("Softr connection default");
        await page.GotoAsync($"{session.ConsoleUrl}#overview");
        var overview = await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/overview");
        await session.ScreenshotAsync("console-overview");

        // Sign out: nothing of the key is left in the page, its address or the browser's storage.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        var storage = await page.EvaluateAsync<int>("() => sessionStorage.length + localStorage.length");
        var after = await page.ContentAsync();

        Assert.DoesNotContain(SystemUnderTest.MasterKey, source, StringComparison.Ordinal);
        Assert.DoesNotContain("console@example.com", eventPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Console Viewer", eventPage, StringComparison.Ordinal);
        var hook = overview.GetProperty("hooks").EnumerateArray().Single(item => item.GetProperty("hook").GetString() == SystemUnderTest.OnboardHook);
        Assert.True(hook.GetProperty("accepted").GetInt64() >= 2, hook.ToString());
        Assert.True(hook.GetProperty("succeeded").GetInt64() >= 2, hook.ToString());
        Assert.True(hook.GetProperty("deadLettered").GetInt64() >= 1, hook.ToString());
        Assert.True(overview.GetProperty("softr").GetProperty("calls").GetInt64() >= 5, overview.GetProperty("softr").ToString());
        Assert.Equal(0, storage);
        Assert.DoesNotContain(SystemUnderTest.MasterKey, after, StringComparison.Ordinal);
        Assert.DoesNotContain(SystemUnderTest.MasterKey, page.Url, StringComparison.Ordinal);
        Assert.True(await page.GetByLabel("Admin key").IsVisibleAsync(), "the sign-in form is not shown after sign-out");
    }

    [SkippableFact]
    public async Task OnAPhone_EveryViewFitsTheScreen_AndTheKeyboardReachesTheNavigationAndTheDryRun()
    {
        // An event of its own, so that its page is one of the views (its id, a heading without spaces, once made it 579 px wide).
        using var posted = await system.PostWebhookAsync("""{"email":"phone@example.com","full_name":"Phone Viewer"}""", hook: SystemUnderTest.OnboardHook);
        var eventId = (await posted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using var session = await BrowserSession.OpenAsync(system, new ViewportSize { Width = 390, Height = 740 });
        var page = session.Page;
        await page.GotoAsync(session.ConsoleUrl);

        // From the keyboard alone: the first Tab reaches the skip link, then the key field; Enter signs in.
        await page.Keyboard.PressAsync("Tab");
        var first = await page.EvaluateAsync<string>("() => document.activeElement.textContent");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(SystemUnderTest.MasterKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        var overflow = new Dictionary<string, int>();
        foreach (var (view, title) in new[] { ("events", "Events"), ("dead-letters", "Dead letters"), ($"event/{eventId}", $"Event {eventId}"), ("overview", "Overview"), ("hooks", "Hooks") })
        {
            await page.GotoAsync($"{session.ConsoleUrl}#{view}");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1, Exact = true })).ToBeVisibleAsync();
            overflow[view] = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        }

        // The dry run, by label: the plan with its mapped values, nothing queued.
        await page.GetByLabel("Hook").SelectOptionAsync(SystemUnderTest.OnboardHook);
        await page.GetByLabel("Sample event (JSON)").FillAsync("""{"email":"sample@example.com","full_name":"Sam Ple"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the plan" }).ClickAsync();
        await Expect(page.Locator("#dry-run-result")).ToContainTextAsync("fullName = Sam Ple");
        await Expect(page.Locator("#dry-run-result")).ToContainTextAsync("The door would take it");
        // What the door would refuse, it says so, with the door's own problem.
        await page.GetByLabel("Sample event (JSON)").FillAsync("""{"email":"not-an-address","full_name":"Sam Ple"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the plan" }).ClickAsync();
        await Expect(page.Locator("#dry-run-result")).ToContainTextAsync("The door would refuse it");
        await Expect(page.Locator("#dry-run-result")).ToContainTextAsync("Values the automations would send are invalid");
        await session.ScreenshotAsync("console-hooks-phone");
        var unlabelled = await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('input, select, textarea')].filter(e => !e.labels || e.labels.length === 0).length");

        Assert.Equal("Skip to content", first);
        Assert.All(overflow, view => Assert.True(view.Value <= 0, $"#{view.Key} is {view.Value} px wider than a 390 px screen"));
        Assert.Equal(0, unlabelled);
    }

    private async Task<string> SendAsync(string email, string name)
    {
        using var response = await system.PostWebhookAsync($$"""{"email":"{{email}}","full_name":"{{name}}"}""", hook: SystemUnderTest.OnboardHook);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
