using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Softr.Functions.Storage;

namespace Softr.Functions.EndToEndTests;

/// <summary>A running system whose queue trigger retries a failed message after host.json's 10 s, as in Azure.</summary>
public sealed class OutageSystem : SystemUnderTest
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("AzureWebJobs:Extensions:Queues:VisibilityTimeout", "00:00:10"),
    ];
}

/// <summary>
/// Issue #23, item 4.1 and 4.2: storage taken away while events drain. Azurite frozen (SIGSTOP) for longer than
/// five times the visibility timeout: before, the queue-depth sampler's AggregateException stopped the host,
/// and messages in flight failed towards the poison queue. Now every background loop logs and goes on, and
/// processing waits the outage out: the host stays up, every event is processed once, none is dead-lettered
/// or poisoned. And what the runtime leaves in events-poison-poison no longer expires.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StorageOutageTests(OutageSystem system) : IClassFixture<OutageSystem>
{
    private const int Events = 40;

    [Fact]
    public async Task StorageFrozenForLongerThanFiveVisibilityTimeouts_WhileEventsDrain_TheHostStaysUp_AndEveryEventIsDoneOnce()
    {
        (await system.Sandbox.PutAsJsonAsync("/sandbox/faults", new { latencyMs = 400, operations = new[] { "createUser" } })).EnsureSuccessStatusCode();
        var ids = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            using var accepted = await system.PostWebhookAsync($$"""{"email":"outage-{{i}}@example.com","full_name":"Outage {{i}}"}""");
            ids.Add((await accepted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
        // Some are done, the others in flight or waiting: then storage stops answering, for 60 s (5 x 10 s, and more).
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => (await UsersAsync()) >= 5, TimeSpan.FromSeconds(30)), "nothing was processed before the outage");
        system.Storage.Freeze();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(60));
        }
        finally
        {
            system.Storage.Thaw();
        }

        var allDone = await SystemUnderTest.EventuallyAsync(async () =>
        {
            foreach (var id in ids)
            {
                if ((await system.EventAsync(id)).GetProperty("status").GetString() != "Succeeded")
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromMinutes(4));

        Assert.True(system.HostIsRunning, "the host stopped");
        Assert.True(allDone, "not every event succeeded after storage came back");
        Assert.Equal(Events, await UsersAsync());
        var letters = await system.Host.GetFromJsonAsync<JsonElement>("/api/manage/dead-letters");
        Assert.Equal(0, letters.GetProperty("items").GetArrayLength());
        Assert.Equal(0, await DepthAsync(QueueNames.EventsPoison));
        Assert.Equal(0, await DepthAsync(QueueNames.EventsPoisonPoison));
        using var health = await system.Anonymous.GetAsync("/api/health");
        Assert.True(health.IsSuccessStatusCode);
        (await system.Sandbox.DeleteAsync("/sandbox/faults")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task WhatTheRuntimeLeavesInEventsPoisonPoison_IsKeptWithoutAnExpiry()
    {
        var queue = new QueueClient(system.StorageConnectionString, QueueNames.EventsPoisonPoison, StorageServiceCollectionExtensions.CreateClientOptions());
        await queue.CreateIfNotExistsAsync();
        // As the runtime adds it: the default time-to-live, seven days.
        await queue.SendMessageAsync(BinaryData.FromString("""{"v":1,"id":"evt_undeliverable"}"""));
        await queue.SendMessageAsync(BinaryData.FromString("""{"v":1,"id":"evt_kept_already"}"""), timeToLive: Softr.Functions.Events.StorageEventQueue.NeverExpires);

        var kept = await system.Get<Softr.Functions.Processing.UndeliverableKeeper>().KeepAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(31)); // the one looked at and left shows again
        var messages = (await queue.PeekMessagesAsync(maxMessages: 32)).Value;

        Assert.Equal(1, kept);
        Assert.Equal(["evt_kept_already", "evt_undeliverable"], messages.Select(message => JsonDocument.Parse(message.Body).RootElement.GetProperty("id").GetString()).Order());
        Assert.All(messages, message => Assert.True(message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"{message.MessageId} expires {message.ExpiresOn}"));
        await queue.ClearMessagesAsync();
    }

    private async Task<int> UsersAsync() =>
        (await system.SandboxUsersAsync()).Count(user => user.GetProperty("email").GetString()!.StartsWith("outage-", StringComparison.Ordinal));

    private async Task<int> DepthAsync(string queue)
    {
        var client = system.Queues.GetQueueClient(queue);
        return await client.ExistsAsync() ? (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }
}
