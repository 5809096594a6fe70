using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Softr.Functions.Automations;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Automations;

/// <summary>Loads a configuration the way the app does (JSON, then settings on top), validates it and evaluates events against it.</summary>
internal sealed class AutomationHarness
{
    /// <summary>The settings the shipped recipes read, with test values.</summary>
    public static IReadOnlyDictionary<string, string?> RecipeSettings => Recipes.Settings;

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

    public static AutomationHarness FromRecipe(string recipe) => FromFile(Recipes.Path(recipe));

    public static AutomationHarness FromFile(string path, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(DefaultConnection).AddJsonFile(path).AddInMemoryCollection(settings ?? RecipeSettings).Build());

    public static AutomationHarness FromJson(string json, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(DefaultConnection).AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(settings ?? RecipeSettings).Build());

    /// <summary>The default Softr connection, under everything else: start-up requires one for every automation that names no other, as the app always has.</summary>
    private static readonly Dictionary<string, string?> DefaultConnection = new()
    {
        ["Softr:ApiKey"] = "harness-softr-key",
        ["Softr:Domain"] = "portal.example.com",
    };

    /// <summary>The hooks resolved as the app resolves them at start-up.</summary>
    public HookCatalog Catalog()
    {
        Assert.Empty(Problems);
        return new HookCatalog(Microsoft.Extensions.Options.Options.Create(Hooks), Microsoft.Extensions.Options.Options.Create(Options), Softr.Functions.Webhooks.Senders.WebhookSenders.All,
            new PayloadSchemas.Folder(TestPaths.RepositoryRoot), Configuration);
    }

    public AutomationEvaluator Evaluator() => new(Catalog());

    /// <summary>The door's reader over these hooks and automations, its clock at <see cref="ReceivedAt"/>.</summary>
    public DeliveryReader Reader() => new(new SignupPayloadValidator(), Evaluator(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ReceivedAt));

    /// <summary>When the harness's events are received.</summary>
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The door's reading of <paramref name="body"/> posted to <paramref name="hook"/> as JSON, with every event's plan.</summary>
    public DeliveryReading Read(string hook, string body, Func<string, string?>? headers = null) =>
        Reader().ReadAsync(Catalog().Find(hook) ?? throw new ArgumentException($"No hook '{hook}'.", nameof(hook)), System.Text.Encoding.UTF8.GetBytes(body),
            "application/json", headers ?? (_ => null), plan: true, route: null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The hook's evaluation; a hook that is not configured has no automations (as for a message naming a removed hook).</summary>
    public AutomationEvaluation Evaluate(string hook, string eventType, string payloadJson)
    {
        var catalog = Catalog();
        if (catalog.Find(hook) is not { } resolved)
        {
            return new AutomationEvaluation(hook, eventType, []);
        }
        return new AutomationEvaluator(catalog).Evaluate(resolved, eventType, JsonSerializer.Deserialize<JsonElement>(payloadJson), new Dictionary<string, string?>
        {
            ["id"] = "evt_test",
            ["type"] = eventType,
            ["hook"] = resolved.Name,
            ["receivedAt"] = "2026-11-24T12:00:00.0000000+00:00",
        });
    }

    public static string Sample(string name) => Recipes.Sample(name);
}
