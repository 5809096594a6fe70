using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// One webhook through a multi-step automation that handles a person's e-mail and a credential: create
/// the user with a magic link, invite them, upsert their customer record with the link. Then every
/// span (names, tags, events), every log line and every metric point the host produced is searched for
/// the e-mail (plain or percent-escaped) and the link: none may hold them (issue #14, item 4). The
/// Users API puts the e-mail in its paths, so the HttpClient spans are where it leaked before.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PrivacyTelemetryTests(PrivacySystem system) : IClassFixture<PrivacySystem>
{
    private const string Email = "grace.hopper@example.com";

    [Fact]
    public async Task NoEmailAndNoMagicLink_InAnySpanLogOrMetric()
    {
        using var response = await system.PostWebhookAsync($$"""{"email":"{{Email}}","full_name":"Grace Hopper"}""", hook: PrivacySystem.PrivacyHook);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
            (await system.EventAsync(id!)).GetProperty("status").GetString() == "Succeeded", TimeSpan.FromSeconds(30)),
            "the event did not succeed");
        Assert.True(await system.ProcessingSpanEndedAsync(id!), "the processing span did not end"); // it ends just after the status is written
        var customers = await system.Sandbox.GetFromJsonAsync<JsonElement>("/sandbox/databases/db_portal/tables/tbl_customers/records");
        var link = customers.EnumerateArray().Single(record => record.GetProperty("fields").GetProperty("cEmail").GetString() == Email)
            .GetProperty("fields").GetProperty("cLink").GetString()!;
        system.FlushMetrics();

        string[] secrets = [Email, Uri.EscapeDataString(Email), "grace.hopper", link];
        var leaks = new List<string>();
        foreach (var span in Snapshot())
        {
            Check($"span '{span.DisplayName}' name", span.DisplayName);
            foreach (var (key, value) in span.TagObjects)
            {
                Check($"span '{span.DisplayName}' tag {key}", value?.ToString());
            }
            foreach (var activityEvent in span.Events)
            {
                Check($"span '{span.DisplayName}' event {activityEvent.Name}", string.Join(" ", activityEvent.Tags.Select(tag => $"{tag.Key}={tag.Value}")));
            }
        }
        foreach (var log in system.Logs.Snapshot())
        {
            Check($"log {log.Category}", log.Message + " " + log.Exception);
        }
        foreach (var metric in system.Metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    Check($"metric {metric.Name} tag {tag.Key}", tag.Value?.ToString());
                }
            }
        }

        // The read API too: the event's status shows the link [redacted] and the address masked.
        var status = await system.Host.GetStringAsync($"/api/events/{id}");
        Check("GET /api/events/{id}", status);
        Assert.Contains("[redacted]", status, StringComparison.Ordinal);
        Assert.Contains(Snapshot(), span => span.GetTagItem("url.full") is string url && url.Contains("/invite", StringComparison.Ordinal));
        Assert.NotEmpty(system.Metrics);
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks.Distinct().Take(20)));

        void Check(string where, string? text)
        {
            if (text is not null && secrets.FirstOrDefault(secret => text.Contains(secret, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                leaks.Add($"{where}: holds '{found[..Math.Min(12, found.Length)]}...'");
            }
        }
    }

    private List<System.Diagnostics.Activity> Snapshot()
    {
        lock (system.Spans)
        {
            return [.. system.Spans];
        }
    }
}

/// <summary>The running system with the recipes' sandbox tables and a hook whose automation creates, invites and upserts with the magic link.</summary>
public sealed class PrivacySystem : SystemUnderTest
{
    public const string PrivacyHook = "privacy";

    protected override string? SandboxSeedFile =>
        Path.Combine(RepositoryPaths.Root, "tests", "Softr.Functions.EndToEndTests", "Processing", "recipes-seed.json");

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => new Dictionary<string, string?>
    {
        [$"Webhooks:Hooks:{PrivacyHook}:SecretSettings:0"] = "E2E_HOOK_SECRET",
        ["Automations:privacy:Hook"] = PrivacyHook,
        ["Automations:privacy:Steps:0:Id"] = "user",
        ["Automations:privacy:Steps:0:Action"] = "user.create",
        ["Automations:privacy:Steps:0:Inputs:email"] = "{{ payload.email }}",
        ["Automations:privacy:Steps:0:Inputs:fullName"] = "{{ payload.full_name }}",
        ["Automations:privacy:Steps:0:Inputs:magicLink"] = "true",
        ["Automations:privacy:Steps:1:Action"] = "user.invite",
        ["Automations:privacy:Steps:1:Inputs:email"] = "{{ steps.user.email }}",
        ["Automations:privacy:Steps:2:Action"] = "record.upsert",
        ["Automations:privacy:Steps:2:Inputs:database"] = "db_portal",
        ["Automations:privacy:Steps:2:Inputs:table"] = "tbl_customers",
        ["Automations:privacy:Steps:2:Inputs:key"] = "Email",
        ["Automations:privacy:Steps:2:Fields:Email"] = "{{ payload.email }}",
        ["Automations:privacy:Steps:2:Fields:Name"] = "{{ payload.full_name }}",
        ["Automations:privacy:Steps:2:Fields:Magic link"] = "{{ steps.user.magicLink }}",
    };
}
