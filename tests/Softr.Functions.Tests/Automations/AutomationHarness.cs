using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Softr.Functions.Automations;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Automations;

/// <summary>Loads a configuration the way the app does (JSON, then settings on top), validates it and evaluates events against it.</summary>
internal sealed class AutomationHarness
{
    /// <summary>The settings the shipped recipes read, with test values.</summary>
    public static readonly IReadOnlyDictionary<string, string?> RecipeSettings = new Dictionary<string, string?>
    {
        ["STRIPE_WEBHOOK_SECRET"] = "whsec_test_secret_value",
        ["LEMONSQUEEZY_WEBHOOK_SECRET"] = "lemon-secret-value",
        ["PADDLE_WEBHOOK_SECRET"] = "pdl_ntfset_secret",
        ["TYPEFORM_WEBHOOK_SECRET"] = "typeform-secret",
        ["TALLY_WEBHOOK_SECRET"] = "tally-secret",
        ["HUBSPOT_CLIENT_SECRET"] = "hubspot-secret",
        ["PIPEDRIVE_WEBHOOK_PASSWORD"] = "user:pipedrive-password",
        ["SOFTR_BUTTON_SECRET"] = "softr-button-secret-0123456789",
        ["ZAPIER_HOOK_SECRET"] = "zapier-hook-secret-0123456789",
        ["SOFTR_DATABASE_ID"] = "db_portal",
        ["SOFTR_CUSTOMERS_TABLE_ID"] = "tbl_customers",
        ["SOFTR_APPLICATIONS_TABLE_ID"] = "tbl_applications",
        ["SOFTR_REQUESTS_TABLE_ID"] = "tbl_requests",
        ["SOFTR_DEALS_TABLE_ID"] = "tbl_deals",
        ["SOFTR_LEADS_TABLE_ID"] = "tbl_leads",
    };

    private AutomationHarness(IConfiguration configuration)
    {
        Configuration = configuration;
        Hooks = configuration.GetSection(WebhooksOptions.SectionName).Get<WebhooksOptions>() ?? new WebhooksOptions();
        Options = new AutomationsOptions();
        Options.BindFrom(configuration);
        var result = new AutomationsOptionsValidator(Microsoft.Extensions.Options.Options.Create(Hooks), configuration).Validate(Options);
        Problems = [.. result.Errors.Select(error => error.ErrorMessage)];
    }

    public IConfiguration Configuration { get; }

    public WebhooksOptions Hooks { get; }

    public AutomationsOptions Options { get; }

    /// <summary>What start-up validation says; empty when the app would start.</summary>
    public IReadOnlyList<string> Problems { get; }

    public static AutomationHarness FromRecipe(string recipe) => FromFile(Path.Combine(TestPaths.RepositoryRoot, "recipes", recipe + ".json"));

    public static AutomationHarness FromFile(string path, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(new ConfigurationBuilder().AddJsonFile(path).AddInMemoryCollection(settings ?? RecipeSettings).Build());

    public static AutomationHarness FromJson(string json, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).AddInMemoryCollection(settings ?? RecipeSettings).Build());

    public AutomationEvaluator Evaluator()
    {
        Assert.Empty(Problems);
        var catalog = new AutomationCatalog(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(Hooks), Configuration);
        return new AutomationEvaluator(catalog);
    }

    public AutomationEvaluation Evaluate(string hook, string eventType, string payloadJson) =>
        Evaluator().Evaluate(hook, eventType, JsonSerializer.Deserialize<JsonElement>(payloadJson), new Dictionary<string, string?>
        {
            ["id"] = "evt_test",
            ["type"] = eventType,
            ["hook"] = hook,
            ["receivedAt"] = "2026-11-24T12:00:00.0000000+00:00",
        });

    public static string Sample(string name) => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "recipes", "samples", name + ".json"));
}
