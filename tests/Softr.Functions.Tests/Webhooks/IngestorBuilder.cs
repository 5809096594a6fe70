using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Options;
using Moq;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>A real ingestor with one hook, "signup", and a mocked queue (the process boundary).</summary>
internal sealed class IngestorBuilder
{
    public const string Hook = "signup";
    public const string Secret = "test-secret-0123456789";
    public const string SecretHeader = "X-Webhook-Secret";
    public const string SecretSetting = "TEST_HOOK_SECRET";
    public const string AnyJsonHook = "anything";

    public Mock<IEventQueue> Queue { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public int MaxBodyBytes { get; init; } = 1024;

    public List<EventEnvelope> Enqueued { get; } = [];

    /// <summary>The door's memory of deliveries without event ids (the table store's rules, in memory).</summary>
    public InMemoryDeliveryClaims Claims { get; } = new();

    /// <summary>Automations for the test's hooks, as hooks.json would hold them (the "Automations" section's JSON).</summary>
    public string? AutomationsJson { get; init; }

    /// <summary>The evaluator the last <see cref="Build"/> gave the ingestor (its automations), for tests that re-evaluate what was queued.</summary>
    public AutomationEvaluator? Evaluator { get; private set; }

    /// <summary>The door's reader the last <see cref="Build"/> gave the ingestor (for the dry run's side of a comparison).</summary>
    public DeliveryReader? Reader { get; private set; }

    /// <summary>The hooks the last <see cref="Build"/> resolved.</summary>
    public HookCatalog? Catalog { get; private set; }

    /// <summary>The hooks' secrets as the ingestor reads them (after <see cref="Build"/>).</summary>
    public HookSecrets? Secrets { get; private set; }

    /// <summary>Extra app settings (secrets the extra hooks name).</summary>
    public Dictionary<string, string?> MoreSettings { get; } = [];

    /// <summary>Extra hooks for a test, keyed by name.</summary>
    public Dictionary<string, HookDefinition> MoreHooks { get; } = [];

    /// <summary>The processing options the door reads (<c>Processing:Lanes</c>).</summary>
    public ProcessingOptions Processing { get; } = new();

    /// <summary>The door's flood meter, once built.</summary>
    public FloodMeter? Floods { get; private set; }

    public IngestorBuilder()
    {
        Queue.Setup(queue => queue.EnqueueAsync(It.IsAny<string>(), It.IsAny<EventEnvelope>(), It.IsAny<BinaryData>(), It.IsAny<CancellationToken>()))
            // The message is what the storage queue would store: it must be the envelope, written.
            .Callback<string, EventEnvelope, BinaryData, CancellationToken>((_, envelope, message, _) =>
            {
                if (EventEnvelopeSerializer.Deserialize(message).EventId != envelope.EventId)
                {
                    throw new InvalidOperationException($"The message handed to the queue is not event {envelope.EventId}.");
                }
                Enqueued.Add(envelope);
            })
            .Returns(Task.CompletedTask);
    }

    public WebhookIngestor Build()
    {
        var options = new WebhooksOptions();
        options.Hooks[Hook] = new HookDefinition
        {
            SecretSettings = { SecretSetting },
            SecretHeader = SecretHeader,
            MaxBodyBytes = MaxBodyBytes,
            Schema = HookSchemas.Signup,
        };
        options.Hooks[AnyJsonHook] = new HookDefinition { SecretSettings = { SecretSetting }, SecretHeader = SecretHeader };
        foreach (var (name, hook) in MoreHooks)
        {
            options.Hooks[name] = hook;
        }
        var settings = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "Automations": {{AutomationsJson ?? "{}"}} }""")))
            .AddInMemoryCollection(new Dictionary<string, string?> { [SecretSetting] = Secret })
            .AddInMemoryCollection(Recipes.Settings)
            .AddInMemoryCollection(MoreSettings)
            .Build();
        var automations = new AutomationsOptions();
        automations.BindFrom(settings);
        var catalog = Catalog = new HookCatalog(Options.Create(options), Options.Create(automations), WebhookSenders.All,
            new PayloadSchemas.Folder(TestPaths.RepositoryRoot), settings);
        Evaluator = new AutomationEvaluator(catalog);
        return new WebhookIngestor(catalog, Secrets = new HookSecrets(settings), Reader = new DeliveryReader(new SignupPayloadValidator(), Evaluator, Time),
            Queue.Object, Claims, new LaneRouting(Options.Create(Processing), Floods = new FloodMeter(Options.Create(options), Time)), Time, NullLogger<WebhookIngestor>.Instance);
    }

    public static WebhookRequest Request(
        string body,
        string? secret = Secret,
        string hook = Hook,
        string? contentType = "application/json",
        params (string Name, string Value)[] extraHeaders)
    {
        var headers = extraHeaders.ToDictionary(header => header.Name, header => header.Value, StringComparer.OrdinalIgnoreCase);
        if (secret is not null)
        {
            headers[SecretHeader] = secret;
        }
        return new WebhookRequest(hook, name => headers.GetValueOrDefault(name), contentType, new MemoryStream(Encoding.UTF8.GetBytes(body)),
            "POST", new Uri($"https://functions.example.com/api/hooks/{hook}"));
    }
}
