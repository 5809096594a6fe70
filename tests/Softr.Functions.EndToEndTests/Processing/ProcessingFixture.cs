using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// One harness for the processing tests: every shipped recipe (so that they run against the sandbox
/// with the recipes' own seed) and a few automations of the tests' own.
/// </summary>
public sealed class ProcessingFixture : IAsyncLifetime
{
    public const string TestHook = "tests";

    public static readonly Dictionary<string, string?> Settings = new()
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
        ["TESTS_SECRET"] = "tests-secret-0123456789",
        [$"Webhooks:Hooks:{TestHook}:SecretSettings:0"] = "TESTS_SECRET",
        // "kind" picks the automation, so each test uses its own.
        ["Automations:magic-link:Hook"] = TestHook,
        ["Automations:magic-link:When:Path"] = "payload.kind",
        ["Automations:magic-link:When:Equals"] = "magic-link",
        ["Automations:magic-link:Steps:0:Id"] = "link",
        ["Automations:magic-link:Steps:0:Action"] = "user.magicLink",
        ["Automations:magic-link:Steps:0:Inputs:email"] = "{{ payload.email }}",
        ["Automations:lead:Hook"] = TestHook,
        ["Automations:lead:When:Path"] = "payload.kind",
        ["Automations:lead:When:Equals"] = "lead",
        ["Automations:lead:Steps:0:Id"] = "lead",
        ["Automations:lead:Steps:0:Action"] = "record.upsert",
        ["Automations:lead:Steps:0:Inputs:database"] = "db_portal",
        ["Automations:lead:Steps:0:Inputs:table"] = "tbl_leads",
        ["Automations:lead:Steps:0:Inputs:key"] = "Email",
        ["Automations:lead:Steps:0:Fields:Email"] = "{{ payload.email }}",
        ["Automations:lead:Steps:0:Fields:Company"] = "{{ payload.company }}",
        ["Automations:lead:Steps:0:Fields:Source"] = "{{ payload.source }}",
        ["Automations:paid:Hook"] = TestHook,
        ["Automations:paid:When:Path"] = "payload.kind",
        ["Automations:paid:When:Equals"] = "paid",
        ["Automations:paid:Steps:0:Id"] = "customer",
        ["Automations:paid:Steps:0:Action"] = "record.create",
        ["Automations:paid:Steps:0:Inputs:database"] = "db_portal",
        ["Automations:paid:Steps:0:Inputs:table"] = "tbl_customers",
        ["Automations:paid:Steps:0:Fields:Email"] = "{{ payload.email }}",
        ["Automations:paid:Steps:0:Fields:Amount paid"] = "{{ payload.amount }}",
    };

    public ProcessingHarness Harness { get; private set; } = null!;

    public static string RecipePath(string recipe) => Path.Combine(Azurite.RepositoryRoot, "recipes", recipe + ".json");

    public static string Sample(string sample) => File.ReadAllText(Path.Combine(Azurite.RepositoryRoot, "recipes", "samples", sample + ".json"));

    public async Task InitializeAsync() => Harness = await ProcessingHarness.StartAsync(
        Settings,
        Directory.GetFiles(Path.Combine(Azurite.RepositoryRoot, "recipes"), "*.json").Order(StringComparer.Ordinal),
        Path.Combine(Azurite.RepositoryRoot, "tests", "Softr.Functions.EndToEndTests", "Processing", "recipes-seed.json"));

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
