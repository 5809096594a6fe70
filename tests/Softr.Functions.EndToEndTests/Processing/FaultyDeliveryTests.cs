using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>The whole system (local host, queue listener, Azurite, sandbox) with a fifth of Softr's answers failing.</summary>
public sealed class FaultySystem : SystemUnderTest
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() =>
    [
        new("Softr:AttemptTimeout", "00:00:01"),
        new("Softr:RetryBaseDelay", "00:00:00.050"),
        new("Processing:RetryBaseDelay", "00:00:00.200"),
        new("Processing:MaxRetryDelay", "00:00:02"),
        new("Automations:e2e-customer:Hook", Hook),
        new("Automations:e2e-customer:Steps:0:Id", "customer"),
        new("Automations:e2e-customer:Steps:0:Action", "record.upsert"),
        new("Automations:e2e-customer:Steps:0:Inputs:database", "db_portal"),
        new("Automations:e2e-customer:Steps:0:Inputs:table", "tbl_customers"),
        new("Automations:e2e-customer:Steps:0:Inputs:key", "Email"),
        new("Automations:e2e-customer:Steps:0:Fields:Email", "{{ payload.email }}"),
        new("Automations:e2e-customer:Steps:0:Fields:Full name", "{{ payload.full_name }}"),
    ];
}

[Collection(EndToEndCollection.Name)]
public sealed class FaultyDeliveryTests(FaultySystem system) : IClassFixture<FaultySystem>
{
    private const int Events = 100;

    [Fact]
    public async Task HundredWebhooks_WithAFifthOfSoftrCallsFailing_MakeExactlyOneUserAndOneRecordEach()
    {
        // 10% 503s, 5% hangs past the client's timeout, 5% dropped connections, all of them after the
        // call took effect (the hardest case: Softr acted, the caller heard a failure), and a burst of
        // 20 answers 429 as if another client of the token had spent the budget.
        (await system.Sandbox.PutAsJsonAsync("/sandbox/faults", new
        {
            errorRate = 0.10, timeoutRate = 0.05, timeoutMs = 1500, dropRate = 0.05, failAfterEffect = true, rateLimitBurst = 20, seed = 7,
        })).EnsureSuccessStatusCode();

        var ids = new List<string>();
        for (var number = 0; number < Events; number++)
        {
            using var response = await system.PostWebhookAsync(JsonSerializer.Serialize(new { email = $"faulty-{number:D3}@example.com", full_name = $"Faulty {number}" }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        var pending = new HashSet<string>(ids);
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            foreach (var id in pending.ToList())
            {
                var status = await system.EventAsync(id!);
                var state = status.GetProperty("status").GetString();
                Assert.NotEqual("DeadLettered", state);
                if (state == "Succeeded")
                {
                    pending.Remove(id);
                }
            }
            return pending.Count == 0;
        }, TimeSpan.FromSeconds(150)), $"{pending.Count} events never succeeded");

        var users = (await system.SandboxUsersAsync()).Select(user => user.GetProperty("email").GetString()).Where(email => email!.StartsWith("faulty-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Events, users.Count);
        var records = (await system.Sandbox.GetFromJsonAsync<JsonElement[]>("/sandbox/databases/db_portal/tables/tbl_customers/records"))!
            .Select(record => record.GetProperty("fields").TryGetProperty("fEmail", out var email) ? email.GetString() : null)
            .Where(email => email?.StartsWith("faulty-", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(Events, records.Count);
        Assert.Equal(Events, records.Distinct().Count());

        // The faults did happen: 503s, 429s and dropped connections are in the sandbox's call log.
        var calls = await system.Sandbox.GetFromJsonAsync<JsonElement>("/sandbox/calls");
        var statuses = calls.GetProperty("byOperation").EnumerateObject().SelectMany(operation => operation.Value.EnumerateObject())
            .GroupBy(entry => entry.Name).ToDictionary(group => group.Key, group => group.Sum(entry => entry.Value.GetInt32()));
        Assert.True(statuses.GetValueOrDefault("503") > 0 && statuses.GetValueOrDefault("429") > 0 && statuses.GetValueOrDefault("0") > 0,
            $"faults not seen: {string.Join(", ", statuses.Select(entry => $"{entry.Key}={entry.Value}"))}");
    }
}
