using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// A running system with a slow Softr budget (2 writes a second, so a backlog of sixty sign-ups takes thirty seconds)
/// and a high-priority hook beside the normal one.
/// </summary>
public sealed class LanesSystem : SystemUnderTest
{
    public const string PaidHook = "paid";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Softr:WritesPerSecond", "2"),
        new($"Webhooks:Hooks:{PaidHook}:SecretSettings:0", "E2E_HOOK_SECRET"),
        new($"Webhooks:Hooks:{PaidHook}:Priority", "high"),
        new("Automations:paid-signup:Hook", PaidHook),
        new("Automations:paid-signup:Steps:0:Id", "user"),
        new("Automations:paid-signup:Steps:0:Action", "user.create"),
        new("Automations:paid-signup:Steps:0:Inputs:email", "{{ payload.email }}"),
        new("Automations:paid-signup:Steps:0:Inputs:fullName", "{{ payload.full_name }}"),
    ];
}

/// <summary>
/// Issue #25: a paying customer never waits behind a bulk import. Through the real queue listener, the real budget
/// (paced in process and shared through Table storage) and the sandbox: sixty sign-ups are queued on the normal hook,
/// and once they are draining, one event comes to the high hook. Its lane's own trigger takes it at once (without lanes
/// it would be created last: the backlog is first in the one queue), and at the budget its call goes before the
/// normal ones already waiting there (without that, it would wait behind the 24 the normal trigger holds at once:
/// twelve seconds at this rate).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PriorityLanesTests(LanesSystem system) : IClassFixture<LanesSystem>
{
    private const int Backlog = 60;

    [Fact]
    public async Task AHighEvent_OvertakesANormalBacklog_ThroughTheRealQueueListener()
    {
        for (var i = 0; i < Backlog; i++)
        {
            using var accepted = await system.PostWebhookAsync($$"""{"email":"backlog-{{i}}@example.com","full_name":"Backlog {{i}}"}""");
            accepted.EnsureSuccessStatusCode();
        }
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.SandboxUsersAsync()).Count >= 3, TimeSpan.FromSeconds(30)), "the backlog never started draining");

        var createdBefore = (await system.SandboxUsersAsync()).Count;
        using var paid = await system.PostWebhookAsync("""{"email":"paying@example.com","full_name":"Paying Customer"}""", hook: LanesSystem.PaidHook);
        var id = (await paid.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await system.SandboxUsersAsync()).Count == Backlog + 1, TimeSpan.FromSeconds(120)),
            "the backlog and the paying customer were not all created");
        var order = (await system.SandboxUsersAsync()).Select(user => user.GetProperty("email").GetString()).ToList();
        var before = order.IndexOf("paying@example.com");
        // The paying customer went through the high lane: its own queue, its own trigger, the budget's first place.
        var status = await system.EventAsync($"/api/events/{id}");
        Assert.Equal("Succeeded", status.GetProperty("status").GetString());
        Assert.True(system.Logs.Snapshot().Any(log => log.Message.StartsWith($"Accepted event {id} on hook {LanesSystem.PaidHook} into queue {QueueNames.HighEvents} ", StringComparison.Ordinal)),
            "the paying customer's event was not queued in the high lane");
        // Not behind the backlog's queue, nor behind the calls waiting at the budget: at 2 a second, behind the few made
        // while the high trigger took it (it polls an empty queue once a second) and its call waited for the next permit.
        Assert.True(before < Backlog / 2, $"the paying customer's user was created after {before} of the {Backlog} queued before it");
        Assert.True(before - createdBefore <= 10, $"{before - createdBefore} backlog users were created between the paying customer's event and its user");
    }
}
