using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Sandbox;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// Processing in its own process, killed (SIGKILL) twice mid-batch and started again: every event
/// still ends succeeded, with one user and one record each, and no record created twice.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashTests : IAsyncLifetime
{
    private const string ApiKey = "crash-api-key-0123456789";
    private const string Domain = "crash.softr.app";
    private const int Events = 150;

    private Azurite _azurite = null!;
    private WebApplication _sandbox = null!;
    private readonly HttpClient _sandboxClient = new();

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _sandbox = SandboxApp.Build(["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={ApiKey}", $"--Sandbox:Domain={Domain}"], builder => builder.Logging.ClearProviders());
        await _sandbox.StartAsync();
        _sandboxClient.BaseAddress = new Uri(_sandbox.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        _sandboxClient.Dispose();
        await _sandbox.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task ProcessingKilledTwiceMidBatch_LosesNothing_AndDoesNothingTwice()
    {
        // Every call takes 40 ms, so that the batch is still running when the kills come.
        (await _sandboxClient.PutAsJsonAsync("/sandbox/faults", new { latencyMs = 40 })).EnsureSuccessStatusCode();
        var queue = new QueueClient(_azurite.ConnectionString, QueueNames.Events, StorageServiceCollectionExtensions.CreateClientOptions());
        await queue.CreateIfNotExistsAsync();
        var envelopes = Enumerable.Range(0, Events).Select(Envelope).ToList();
        foreach (var envelope in envelopes)
        {
            await queue.SendMessageAsync(EventEnvelopeSerializer.Serialize(envelope));
        }

        await using (var first = StartProcessing())
        {
            await WaitForUsersAsync(first, 25);
            await first.KillAsync();
        }
        // Mid-batch for real: work was left for the next process.
        Assert.InRange(await CountUsersAsync(), 25, Events - 1);
        await using (var second = StartProcessing())
        {
            await WaitForUsersAsync(second, 70);
            await second.KillAsync();
        }
        Assert.InRange(await CountUsersAsync(), 70, Events - 1);
        await using var third = StartProcessing();
        var events = new TableEventStore(new TableServiceClient(_azurite.ConnectionString));
        Assert.True(await SystemUnderTest.EventuallyAsync(async () =>
        {
            foreach (var envelope in envelopes)
            {
                if ((await events.FindAsync(envelope.EventId))?.Status != EventStatus.Succeeded)
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(120)), "not every event succeeded:\n" + third.Output());

        var emails = envelopes.Select(envelope => envelope.Payload.GetProperty("email").GetString()).ToHashSet();
        var users = await _sandboxClient.GetFromJsonAsync<JsonElement[]>("/sandbox/users");
        Assert.Equal(Events, users!.Count(user => emails.Contains(user.GetProperty("email").GetString())));
        var records = await _sandboxClient.GetFromJsonAsync<JsonElement[]>("/sandbox/databases/db_portal/tables/tbl_customers/records");
        var recorded = records!.Select(record => record.GetProperty("fields").TryGetProperty("fEmail", out var email) ? email.GetString() : null)
            .Where(emails.Contains).ToList();
        Assert.Equal(Events, recorded.Count);
        Assert.Equal(Events, recorded.Distinct().Count());
        var calls = await _sandboxClient.GetFromJsonAsync<JsonElement>("/sandbox/calls");
        Assert.Equal(Events, calls.GetProperty("byOperation").GetProperty("createRecord").GetProperty("200").GetInt32());
        Assert.Empty((await new DeadLetterStore(new TableServiceClient(_azurite.ConnectionString)).ListAsync(new DeadLetterFilter(), 10, after: null, CancellationToken.None)).Items);
    }

    private DotnetProcess StartProcessing()
    {
        var process = DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "Softr.Functions.CrashHost.dll"), new Dictionary<string, string?>(SandboxSettings.For(_sandboxClient.BaseAddress!, ApiKey, Domain))
        {
            [StorageSettings.ConnectionName] = _azurite.ConnectionString,
            ["Processing:RetryBaseDelay"] = "00:00:00.5",
            ["Processing:BusyRetryDelay"] = "00:00:01",
            ["CrashHost:VisibilitySeconds"] = "5",
            ["CRASH_SECRET"] = "crash-secret-0123456789",
            ["Webhooks:Hooks:crash:SecretSettings:0"] = "CRASH_SECRET",
            ["Automations:onboard:Hook"] = "crash",
            ["Automations:onboard:Steps:0:Id"] = "user",
            ["Automations:onboard:Steps:0:Action"] = "user.create",
            ["Automations:onboard:Steps:0:Inputs:email"] = "{{ payload.email }}",
            ["Automations:onboard:Steps:0:Inputs:fullName"] = "{{ payload.name }}",
            ["Automations:onboard:Steps:1:Id"] = "customer",
            ["Automations:onboard:Steps:1:Action"] = "record.upsert",
            ["Automations:onboard:Steps:1:Inputs:database"] = "db_portal",
            ["Automations:onboard:Steps:1:Inputs:table"] = "tbl_customers",
            ["Automations:onboard:Steps:1:Inputs:key"] = "Email",
            ["Automations:onboard:Steps:1:Fields:Email"] = "{{ steps.user.email }}",
            ["Automations:onboard:Steps:1:Fields:Full name"] = "{{ payload.name }}",
        });
        return process;
    }

    private async Task WaitForUsersAsync(DotnetProcess process, int atLeast) =>
        Assert.True(await SystemUnderTest.EventuallyAsync(async () => await CountUsersAsync() >= atLeast, TimeSpan.FromSeconds(60)),
            "processing made no progress:\n" + process.Output());

    private async Task<int> CountUsersAsync() =>
        (await _sandboxClient.GetFromJsonAsync<JsonElement[]>("/sandbox/users"))!.Count(user => user.GetProperty("email").GetString()!.StartsWith("crash-", StringComparison.Ordinal));

    private static EventEnvelope Envelope(int number)
    {
        var email = $"crash-{number:D3}@example.com";
        var id = EventIds.ForDelivery("crash", email);
        return new EventEnvelope
        {
            EventId = id,
            Hook = "crash",
            Sender = "shared-secret",
            EventType = "webhook",
            ReceivedAt = DateTimeOffset.UtcNow,
            CorrelationId = id,
            Payload = JsonSerializer.SerializeToElement(new { email, name = $"Crash Test {number}" }),
        };
    }
}
