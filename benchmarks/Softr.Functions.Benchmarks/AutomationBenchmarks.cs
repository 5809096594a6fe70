using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Benchmarks;

/// <summary>
/// Matching and mapping one Stripe checkout event. Baseline: a configuration holding only the shipped
/// stripe-checkout-paid recipe (3 steps, 12 mapped values). Measured: the same recipe among 50
/// automations on the same hook and event type, each with a two-part condition, so every one is
/// checked and 49 fail on their second test: the worst case for matching (automations on other hooks
/// or event types are skipped before any template runs).
/// </summary>
[MemoryDiagnoser]
public class AutomationBenchmarks
{
    private AutomationEvaluator _one = null!;
    private AutomationEvaluator _fifty = null!;
    private ResolvedHook? _oneHook;
    private ResolvedHook? _fiftyHook;
    private JsonElement _payload;
    private readonly Dictionary<string, string?> _event = new() { ["id"] = "evt_bench", ["type"] = "checkout.session.completed", ["hook"] = "stripe" };

    [GlobalSetup]
    public void Setup()
    {
        var root = FindRepositoryRoot();
        var recipe = File.ReadAllText(Path.Combine(root, "recipes", "stripe-checkout-paid.json"));
        _payload = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(root, "recipes", "samples", "stripe-checkout-paid.json")));
        (_one, _oneHook) = Evaluator(recipe, others: 0);
        (_fifty, _fiftyHook) = Evaluator(recipe, others: 49);
        if (_fifty.Evaluate(_fiftyHook!, "checkout.session.completed", _payload, _event).Automations.Count(outcome => outcome.Status == OutcomeStatus.Planned) != 1)
        {
            throw new InvalidOperationException("The 50-automation configuration must plan exactly one automation.");
        }
    }

    [Benchmark(Baseline = true, Description = "1 automation (the recipe)")]
    public AutomationEvaluation One() => _one.Evaluate(_oneHook!, "checkout.session.completed", _payload, _event);

    [Benchmark(Description = "50 automations, 1 matches")]
    public AutomationEvaluation Fifty() => _fifty.Evaluate(_fiftyHook!, "checkout.session.completed", _payload, _event);

    private static (AutomationEvaluator, ResolvedHook) Evaluator(string recipe, int others)
    {
        var settings = new Dictionary<string, string?>
        {
            ["STRIPE_WEBHOOK_SECRET"] = "whsec_bench",
            ["SOFTR_DATABASE_ID"] = "db",
            ["SOFTR_CUSTOMERS_TABLE_ID"] = "tbl",
        };
        for (var i = 0; i < others; i++)
        {
            var prefix = $"Automations:plan-{i}:";
            settings[prefix + "Hook"] = "stripe";
            settings[prefix + "Events:0"] = "checkout.session.completed";
            settings[prefix + "When:All:0:Path"] = "payload.data.object.payment_status";
            settings[prefix + "When:All:0:Equals"] = "paid";
            settings[prefix + "When:All:1:Path"] = "payload.data.object.metadata.plan";
            settings[prefix + "When:All:1:Equals"] = $"plan-{i}";
            settings[prefix + "Steps:0:Action"] = "user.create";
            settings[prefix + "Steps:0:Inputs:email"] = "{{ payload.data.object.customer_details.email | strip | downcase }}";
            settings[prefix + "Steps:0:Inputs:fullName"] = "{{ payload.data.object.customer_details.name }}";
        }
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(recipe))).AddInMemoryCollection(settings).Build();
        var hooks = configuration.GetSection(WebhooksOptions.SectionName).Get<WebhooksOptions>()!;
        var automations = new AutomationsOptions();
        automations.BindFrom(configuration);
        var catalog = new HookCatalog(Options.Create(hooks), Options.Create(automations), Softr.Functions.Webhooks.Senders.WebhookSenders.All, new PayloadSchemas.Folder(AppContext.BaseDirectory), configuration);
        return (new AutomationEvaluator(catalog), catalog.Find("stripe")!);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Softr.Functions.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
