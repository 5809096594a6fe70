using System.Net.Http.Json;
using System.Text.Json;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

/// <summary>
/// Issue #25, through the real queue listener, the real budget (paced in process and shared through Table storage) and
/// the sandbox, at 2 writes a second: sixty sign-ups are queued on the normal hook, and once they are draining one
/// event comes to another hook. How many of the backlog's users are created between that event's arrival and its own
/// user says whether it waited behind the backlog.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PriorityLanesTests(LanesSystem system) : IClassFixture<LanesSystem>
{
    private const int Backlog = 60;

    /// <summary>
    /// A paying customer never waits behind a backlog. The high lane's own trigger takes the event at once (without
    /// lanes it would be created last: the backlog is first in the one queue), and at the budget its call goes before
    /// the normal ones already waiting there (without that, it would wait behind the calls the normal triggers hold:
    /// measured 16 users; 1 with it).
    /// </summary>
    [Fact]
    public async Task AHighEvent_OvertakesANormalBacklog_ThroughTheRealQueueListener()
    {
        var (id, between) = await BacklogThenOneAsync("high", LanesSystem.PaidHook);

        Assert.True(system.Logs.Snapshot().Any(log => log.Message.StartsWith($"Accepted event {id} on hook {LanesSystem.PaidHook} into queue {QueueNames.HighEvents} ", StringComparison.Ordinal)),
            "the paying customer's event was not queued in the high lane");
        Assert.True(between <= 6, $"{between} backlog users were created between the paying customer's event and its user");
    }

    /// <summary>
    /// Within a lane, one hook's flood does not hold up another hook's trickle. The door sends the flooding hook's events
    /// past its fourth to the lane's overflow queue, so the trickle's event is not queued behind them (without that it
    /// would be created after the whole backlog), and at the budget the two hooks take turns (without that, it would wait
    /// behind the flood's calls already waiting there).
    /// </summary>
    [Fact]
    public async Task ATrickleOnOneNormalHook_IsNotHeldUpByAFloodOnAnother()
    {
        var (id, between) = await BacklogThenOneAsync("flood", LanesSystem.TrickleHook);

        Assert.True(system.Logs.Snapshot().Any(log => log.Message.StartsWith($"Accepted event {id} on hook {LanesSystem.TrickleHook} into queue {QueueNames.Events} ", StringComparison.Ordinal)),
            "the trickle's event was not queued in the normal lane's queue");
        Assert.True(system.Logs.Snapshot().Count(log => log.Message.Contains($" on hook {SystemUnderTest.Hook} into queue {QueueNames.EventsOverflow} ", StringComparison.Ordinal)) >= Backlog - 10,
            "the flood did not go to the overflow queue");
        Assert.True(between <= 6, $"{between} flood users were created between the trickle's event and its user");
    }

    /// <summary>Queues the backlog on the normal hook, then one event on <paramref name="hook"/>; its id, and how many backlog users came between.</summary>
    private async Task<(string Id, int Between)> BacklogThenOneAsync(string prefix, string hook)
    {
        for (var i = 0; i < Backlog; i++)
        {
            using var accepted = await system.PostWebhookAsync($$"""{"email":"{{prefix}}-{{i}}@example.com","full_name":"Backlog {{i}}"}""");
            accepted.EnsureSuccessStatusCode();
        }
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await UsersAsync(prefix)).Count >= 3, TimeSpan.FromSeconds(30)), "the backlog never started draining");

        var createdBefore = (await UsersAsync(prefix)).Count;
        var one = $"{prefix}-one@example.org";
        using var posted = await system.PostWebhookAsync($$"""{"email":"{{one}}","full_name":"The One"}""", hook: hook);
        var id = (await posted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await UsersAsync(prefix)).Count == Backlog + 1, TimeSpan.FromSeconds(120)),
            "the backlog and the one event's user were not all created");
        var order = await UsersAsync(prefix);
        Assert.Equal("Succeeded", (await system.EventAsync(id)).GetProperty("status").GetString());
        return (id, order.IndexOf(one) - createdBefore);
    }

    /// <summary>This test's users in the order the sandbox created them.</summary>
    private async Task<List<string>> UsersAsync(string prefix) =>
        [.. (await system.SandboxUsersAsync()).Select(user => user.GetProperty("email").GetString()!).Where(email => email.StartsWith(prefix + "-", StringComparison.Ordinal))];
}
