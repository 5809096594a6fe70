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
            ["Processing:MaxBudgetWait"] = "00:00:01",
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

    /// <summary>Delivers whatever processing sent back to the queue (retries, deferrals) until it is empty; returns the outcomes.</summary>
    public async Task<List<ProcessingOutcome>> DrainAsync(int maxRounds = 50)
    {
        var outcomes = new List<ProcessingOutcome>();
        await Events.CreateIfNotExistsAsync();
        for (var round = 0; round < maxRounds; round++)
        {
            var messages = (await Events.ReceiveMessagesAsync(maxMessages: 32)).Value;
            if (messages.Length == 0)
            {
                return outcomes;
            }
            foreach (var message in messages)
            {
                var result = await Get<EventProcessor>().ProcessAsync(EventEnvelopeSerializer.Deserialize(message.Body), new QueueDelivery(message.MessageId, message.DequeueCount));
                outcomes.Add(result.Outcome);
                await Events.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
        throw new InvalidOperationException($"The queue still had messages after {maxRounds} rounds.");
    }

    /// <summary>
    /// An envelope as the door makes it for <paramref name="payloadJson"/> on <paramref name="hook"/>: read by the door's
    /// reader (a batch split, the samples hold one event; typed by the hook's sender), with a fixed id and time. An event
    /// the door would refuse or ignore (to test processing's own defences) is taken as it is, under
    /// <paramref name="eventType"/> or the generic type.
    /// </summary>
    public EventEnvelope Envelope(string hook, string payloadJson, string? eventType = null, string? dedupeKey = null)
    {
        var id = EventIds.ForDelivery(hook, dedupeKey ?? payloadJson);
        var fixedTime = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var resolved = Get<HookCatalog>().Find(hook);
        if (resolved is not null)
        {
            var reading = Get<DeliveryReader>().ReadAsync(resolved, System.Text.Encoding.UTF8.GetBytes(payloadJson), "application/json", _ => null, plan: false,
                CancellationToken.None).GetAwaiter().GetResult();
            if (reading.Events is [ReadEvent.Taken taken])
            {
                return taken.Envelope with
                {
                    EventId = id,
                    CorrelationId = id,
                    EventType = eventType ?? taken.Envelope.EventType,
                    ReceivedAt = fixedTime,
                    TraceParent = null,
                };
            }
        }
        return new EventEnvelope
        {
            EventId = id,
            Hook = hook,
            Sender = resolved?.Sender.Kind ?? "shared-secret",
            EventType = eventType ?? DeliveryReader.GenericEventType,
            ReceivedAt = fixedTime,
            CorrelationId = id,
            Payload = JsonSerializer.Deserialize<JsonElement>(payloadJson),
        };
    }

    public string StorageConnectionString => _azurite.ConnectionString;

    public async Task<JsonElement> SandboxGetAsync(string path) => await Sandbox.GetFromJsonAsync<JsonElement>(path);

    /// <summary>
    /// How many <paramref name="operation"/> calls the sandbox answered <paramref name="status"/>; without one, how many it
    /// took in: every answer but 429, which is Softr refusing before it acts (the sandbox's own rate limit answers
    /// one when a busy machine lets earlier tests' calls crowd a second).
    /// </summary>
    public async Task<int> CallsAsync(string operation, int? status = null)
    {
        var summary = await SandboxGetAsync("/sandbox/calls");
        if (!summary.GetProperty("byOperation").TryGetProperty(operation, out var byStatus))
        {
            return 0;
        }
        var tooMany = ((int)HttpStatusCode.TooManyRequests).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return byStatus.EnumerateObject()
            .Where(entry => status is null ? entry.Name != tooMany : entry.Name == status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Sum(entry => entry.Value.GetInt32());
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
