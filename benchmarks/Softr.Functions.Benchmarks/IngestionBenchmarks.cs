using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Events;
using Softr.Functions.Processing;
using Softr.Functions.Testing;
using Softr.Functions.Tests.Webhooks;
using Softr.Functions.Webhooks;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Benchmarks;

/// <summary>
/// The in-process ingestion path for a signed 2 KB Stripe event: read, verify the signature with
/// Stripe.net, parse, check every string, identify, check the event type, evaluate the shipped recipe's
/// plan and check its inputs (on a hook that refuses invalid input; a Stripe hook, which dead-letters it, leaves
/// the plan to processing), build and write the envelope once, and hand it over. Storage
/// is replaced by no-op fakes so that only our own work is measured. Baseline: parsing the same bytes
/// into a JsonDocument, the least any handler of this event must do.
/// </summary>
[MemoryDiagnoser]
public class IngestionBenchmarks
{
    private const string Secret = "whsec_benchmark_secret_0123456789";
    private byte[] _body = null!;
    private string _signature = null!;
    private WebhookIngestor _ingestor = null!;
    private AutomationEvaluator _evaluator = null!;
    private WebhookIngestor _bareIngestor = null!;
    private WebhookIngestor _refusingIngestor = null!;
    private EventEnvelope _envelope = null!;
    private readonly Uri _url = new("https://functions.example.com/api/hooks/stripe");

    [GlobalSetup]
    public void Setup()
    {
        var padding = new string('x', 1500);
        _body = Encoding.UTF8.GetBytes("""
            {"id":"evt_1QbenchMARK","object":"event","api_version":"2025-01-27.acacia","created":1764000000,"type":"checkout.session.completed",
             "data":{"object":{"id":"cs_test_1","object":"checkout.session","payment_status":"paid","customer_details":{"email":"ada@example.com","name":"Ada Lovelace"},"metadata":{"note":"PADDING"}}}}
            """.Replace("PADDING", padding, StringComparison.Ordinal));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.").Concat(_body).ToArray());
        _signature = $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";

        // The shipped Stripe recipe (its hook and automation). Its hook dead-letters invalid input, so the door leaves
        // the plan to processing (issue #24, item 9); the same recipe on a refusing hook, below, is planned at the door.
        var settings = new ConfigurationBuilder().AddJsonFile(Recipes.Path("stripe-checkout-paid"))
            .AddInMemoryCollection(Recipes.Settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["STRIPE_WEBHOOK_SECRET"] = Secret }).Build();
        var options = settings.GetSection(WebhooksOptions.SectionName).Get<WebhooksOptions>()!;
        var automations = new AutomationsOptions();
        automations.BindFrom(settings);
        var folder = new PayloadSchemas.Folder(AppContext.BaseDirectory);
        var catalog = new HookCatalog(Options.Create(options), Options.Create(automations), WebhookSenders.All, folder, settings);
        var evaluator = new AutomationEvaluator(catalog);
        // The same door and hook with no automation: what evaluating the recipe at the door adds, in the same run.
        var bare = new HookCatalog(Options.Create(options), Options.Create(new AutomationsOptions()), WebhookSenders.All, folder, settings);
        _bareIngestor = new WebhookIngestor(bare, new HookSecrets(settings), new DeliveryReader(new SignupPayloadValidator(), new AutomationEvaluator(bare), TimeProvider.System),
            new NoQueue(), new InMemoryDeliveryClaims(), Lanes(), TimeProvider.System, NullLogger<WebhookIngestor>.Instance);
        _evaluator = evaluator;
        _envelope = new EventEnvelope
        {
            EventId = "evt_benchmark", Hook = "stripe", Sender = "stripe", SenderEventId = "evt_1QbenchMARK", EventType = "checkout.session.completed",
            ReceivedAt = DateTimeOffset.UtcNow, CorrelationId = "evt_benchmark", Payload = JsonDocument.Parse(_body).RootElement.Clone(),
        };
        _ingestor = new WebhookIngestor(catalog, new HookSecrets(settings), new DeliveryReader(new SignupPayloadValidator(), evaluator, TimeProvider.System),
            new NoQueue(), new InMemoryDeliveryClaims(), Lanes(), TimeProvider.System, NullLogger<WebhookIngestor>.Instance);
        // The same recipe on a hook that refuses invalid input (422): the door must plan it to know (issue #24, item 9).
        var refusing = settings.GetSection(WebhooksOptions.SectionName).Get<WebhooksOptions>()!;
        refusing.Hooks["stripe"].InvalidInput = InvalidInputPolicy.Refuse;
        var refusingCatalog = new HookCatalog(Options.Create(refusing), Options.Create(automations), WebhookSenders.All, folder, settings);
        _refusingIngestor = new WebhookIngestor(refusingCatalog, new HookSecrets(settings),
            new DeliveryReader(new SignupPayloadValidator(), new AutomationEvaluator(refusingCatalog), TimeProvider.System),
            new NoQueue(), new InMemoryDeliveryClaims(), Lanes(), TimeProvider.System, NullLogger<WebhookIngestor>.Instance);
    }

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse of the body")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.GetProperty("type").GetString()!.Length;
    }

    /// <summary>What Stripe.net's own check costs on the same event: the floor for a Stripe hook, since the issue mandates it.</summary>
    [Benchmark(Description = "Stripe.net EventUtility.ValidateSignature alone")]
    public int StripeCheckOnly()
    {
        Stripe.EventUtility.ValidateSignature(Encoding.UTF8.GetString(_body), _signature, Secret, 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return 1;
    }

    /// <summary>The shipped Stripe hook with its recipe: validated, not planned (its policy is to dead-letter invalid input).</summary>
    [Benchmark(Description = "WebhookIngestor.IngestAsync (Stripe, 2 KB)")]
    public async Task<object> Ingest()
    {
        var result = await _ingestor.IngestAsync(new WebhookRequest("stripe", Header, "application/json", new MemoryStream(_body), "POST", _url) { ContentLength = _body.Length });
        return result is IngestionResult.Accepted ? result : throw new InvalidOperationException($"Not accepted: {result}");
    }

    [Benchmark(Description = "WebhookIngestor.IngestAsync (Stripe, 2 KB, recipe, hook refuses invalid input)")]
    public async Task<object> IngestOnARefusingHook()
    {
        var result = await _refusingIngestor.IngestAsync(new WebhookRequest("stripe", Header, "application/json", new MemoryStream(_body), "POST", _url) { ContentLength = _body.Length });
        return result is IngestionResult.Accepted ? result : throw new InvalidOperationException($"Not accepted: {result}");
    }

    [Benchmark(Description = "WebhookIngestor.IngestAsync (Stripe, 2 KB, no automation)")]
    public async Task<object> IngestWithoutAutomations()
    {
        var result = await _bareIngestor.IngestAsync(new WebhookRequest("stripe", Header, "application/json", new MemoryStream(_body), "POST", _url) { ContentLength = _body.Length });
        return result is IngestionResult.Accepted ? result : throw new InvalidOperationException($"Not accepted: {result}");
    }

    /// <summary>The door's share that is the recipe's plan and its input rules.</summary>
    [Benchmark(Description = "Plan evaluation with input rules alone (the recipe)")]
    public int EvaluateOnly() => _evaluator.Evaluate(_envelope).Automations.Count;

    [Benchmark(Description = "Envelope serialisation alone")]
    public int SerializeOnly() => EventEnvelopeSerializer.Serialize(_envelope).ToMemory().Length;

    [Benchmark(Description = "String well-formedness walk alone")]
    public bool StringsOnly() => PayloadWellFormedness.CheckStrings(_envelope.Payload) is null;

    private string? Header(string name) => name == StripeSender.SignatureHeader ? _signature : null;

    /// <summary>The door's routing as the app has it: the benchmark's deliveries come far faster than a trickle, so they overflow.</summary>
    private static LaneRouting Lanes() => new(Options.Create(new ProcessingOptions()), new FloodMeter(Options.Create(new WebhooksOptions()), TimeProvider.System));

    private sealed class NoQueue : IEventQueue
    {
        public Task EnqueueAsync(string queueName, EventEnvelope envelope, CancellationToken cancellationToken = default) => Task.CompletedTask;

        // The door hands the envelope over written (once, by its reader); storing it is what is left out.
        public Task EnqueueAsync(string queueName, EventEnvelope envelope, BinaryData message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task EnqueueAsync(string queueName, EventEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
