using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Storage;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;
using Softr.Sandbox;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// Processing as the app wires it (<c>AddSoftrFunctionsCore</c>), against a private Azurite and a real
/// sandbox, but driven by the test instead of the queue listener: each call is one delivery of one
/// message, so a test decides exactly what is delivered, twice, late or out of order.
/// </summary>
public sealed class ProcessingHarness : IAsyncDisposable
{
    public const string ApiKey = "processing-api-key-0123456789";
    public const string Domain = "processing.softr.app";

    private readonly Azurite _azurite;
    private readonly WebApplication _sandbox;
    private ServiceProvider _services;

    private ProcessingHarness(Azurite azurite, WebApplication sandbox, ServiceProvider services, IConfiguration configuration, HttpClient sandboxClient)
    {
        _azurite = azurite;
        _sandbox = sandbox;
        _services = services;
        Configuration = configuration;
        Sandbox = sandboxClient;
        Events = new QueueClient(azurite.ConnectionString, QueueNames.Events, StorageServiceCollectionExtensions.CreateClientOptions());
    }

    public IConfiguration Configuration { get; }

    public HttpClient Sandbox { get; }

    public QueueClient Events { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <param name="configurationFiles">hooks.json-shaped files (recipes) loaded under <paramref name="settings"/>.</param>
    public static async Task<ProcessingHarness> StartAsync(IReadOnlyDictionary<string, string?> settings, IEnumerable<string>? configurationFiles = null, string? seedFile = null)
    {
        var azurite = await Azurite.StartAsync();
        var sandbox = SandboxApp.Build(
            ["--urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={ApiKey}", $"--Sandbox:Domain={Domain}", .. seedFile is null ? Array.Empty<string>() : [$"--Sandbox:SeedFile={seedFile}"]],
            builder => builder.Logging.ClearProviders());
        await sandbox.StartAsync();
        var sandboxClient = new HttpClient { BaseAddress = new Uri(sandbox.Urls.Single()) };

        var builder = new ConfigurationBuilder();
        foreach (var file in configurationFiles ?? [])
        {
            builder.AddJsonFile(file);
        }
        var configuration = builder.AddInMemoryCollection(new Dictionary<string, string?>(SandboxSettings.For(sandboxClient.BaseAddress!, ApiKey, Domain))
        {
            [StorageSettings.ConnectionName] = azurite.ConnectionString,
            ["Softr:RetryBaseDelay"] = "00:00:00.010",
            ["Softr:MaxRetries"] = "1",
            ["Softr:AttemptTimeout"] = "00:00:01",
            ["Processing:RetryBaseDelay"] = "00:00:00",
            ["Processing:BusyRetryDelay"] = "00:00:00",
            // Short, so that the tests of a budget that never comes defer quickly; longer than a seat tick (1 s) and its storage
            // round trips, so that a fresh budget's first call is not deferred on a busy machine (two CI runs were, at 1 s).
            ["Processing:MaxBudgetWait"] = "00:00:03",
        }).AddInMemoryCollection(settings).Build();

        return new ProcessingHarness(azurite, sandbox, BuildServices(configuration), configuration, sandboxClient);
    }

    /// <summary>
    /// A new process, as far as processing can tell: new clients, circuit breaker, budgets and caches.
    /// Storage and the sandbox keep their state.
    /// </summary>
    public async Task RestartProcessAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        await _services.DisposeAsync();
        _services = BuildServices(overrides is null ? Configuration : new ConfigurationBuilder().AddConfiguration(Configuration).AddInMemoryCollection(overrides).Build());
    }

    private static ServiceProvider BuildServices(IConfiguration configuration) => new ServiceCollection()
        .AddSingleton(configuration)
        .AddLogging()
        .AddSoftrFunctionsCore()
        .BuildServiceProvider();

    /// <summary>One delivery of <paramref name="envelope"/> as message <paramref name="messageId"/>.</summary>
    public Task<ProcessingResult> DeliverAsync(EventEnvelope envelope, string messageId = "message-1") =>
        Get<EventProcessor>().ProcessAsync(envelope, new QueueDelivery(messageId, 1));

    /// <summary>
    /// Delivers whatever processing sent back to the queues (retries, deferrals), every lane's queue and overflow, until
    /// they are empty; returns the outcomes.
    /// </summary>
    public async Task<List<ProcessingOutcome>> DrainAsync(int maxRounds = 50)
    {
        var outcomes = new List<ProcessingOutcome>();
        var queues = EventLane.All.SelectMany(lane => lane.TriggerQueues)
            .Select(name => new QueueClient(_azurite.ConnectionString, name, StorageServiceCollectionExtensions.CreateClientOptions())).ToList();
        foreach (var queue in queues)
        {
            await queue.CreateIfNotExistsAsync();
        }
        for (var round = 0; round < maxRounds; round++)
        {
            var delivered = 0;
            foreach (var queue in queues)
            {
                foreach (var message in (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value)
                {
                    var result = await Get<EventProcessor>().ProcessAsync(EventEnvelopeSerializer.Deserialize(message.Body), new QueueDelivery(message.MessageId, message.DequeueCount));
                    outcomes.Add(result.Outcome);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    delivered++;
                }
            }
            if (delivered == 0)
            {
                return outcomes;
            }
        }
        throw new InvalidOperationException($"The queues still had messages after {maxRounds} rounds.");
    }

    /// <summary>
    /// An envelope as the door makes it for <paramref name="payloadJson"/> on <paramref name="hook"/>: read by the door's
    /// reader (typed by the hook's sender; a batch split, and the samples hold one event), with a fixed id and time.
    /// A payload the door would not take fails the test: processing is tested with what the door makes.
    /// </summary>
    public EventEnvelope Envelope(string hook, string payloadJson, string? eventType = null, string? dedupeKey = null)
    {
        var resolved = Get<HookCatalog>().Find(hook) ?? throw new ArgumentException($"No hook '{hook}' in the harness's configuration.", nameof(hook));
        var reading = Get<DeliveryReader>().ReadAsync(resolved, System.Text.Encoding.UTF8.GetBytes(payloadJson), "application/json", _ => null, plan: false, route: null,
            CancellationToken.None).GetAwaiter().GetResult();
        if (reading.Events is not [ReadEvent.Taken taken])
        {
            throw new InvalidOperationException($"The door would not take this payload on '{hook}' ({reading.Problem?.Detail ?? string.Join(", ", reading.Events)}).");
        }
        var id = EventIds.ForDelivery(hook, dedupeKey ?? payloadJson);
        return taken.Envelope with
        {
            EventId = id,
            CorrelationId = id,
            EventType = eventType ?? taken.Envelope.EventType,
            ReceivedAt = FixedTime,
            TraceParent = null,
        };
    }

    private static readonly DateTimeOffset FixedTime = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public string StorageConnectionString => _azurite.ConnectionString;

    public async Task<JsonElement> SandboxGetAsync(string path) => await Sandbox.GetFromJsonAsync<JsonElement>(path);

    /// <summary>How many <paramref name="operation"/> calls went out (every try, 429s included), or only those answered <paramref name="status"/>.</summary>
    public async Task<int> CallsAsync(string operation, int? status = null) =>
        (await CallsByStatusAsync(operation)).Where(entry => status is null || entry.Status == status).Sum(entry => entry.Count);

    /// <summary>
    /// How many <paramref name="operation"/> calls Softr took in: every answer but 429, which is Softr refusing before it
    /// acts (the sandbox's own rate limit answers one when a busy machine lets earlier calls crowd a second).
    /// </summary>
    public async Task<int> CallsTakenInAsync(string operation) =>
        (await CallsByStatusAsync(operation)).Where(entry => entry.Status != (int)HttpStatusCode.TooManyRequests).Sum(entry => entry.Count);

    private async Task<List<(int Status, int Count)>> CallsByStatusAsync(string operation)
    {
        var summary = await SandboxGetAsync("/sandbox/calls");
        return summary.GetProperty("byOperation").TryGetProperty(operation, out var byStatus)
            ? [.. byStatus.EnumerateObject().Select(entry => (int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture), entry.Value.GetInt32()))]
            : [];
    }

    /// <summary>A call to the sandbox's Softr API with the harness's key, as another Softr client would make it (to set up a test).</summary>
    public async Task SoftrPostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Softr-Api-Key", ApiKey);
        request.Headers.Add("Softr-Domain", Domain);
        (await Sandbox.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public async Task SetFaultsAsync(object faults) => (await Sandbox.PutAsJsonAsync("/sandbox/faults", faults)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Sandbox.Dispose();
        await _sandbox.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
