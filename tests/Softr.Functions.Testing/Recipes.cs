namespace Softr.Functions.Testing;

/// <summary>The shipped recipes (<c>recipes/*.json</c>), their samples, and test values for the settings they read.</summary>
public static class Recipes
{
    /// <summary>The settings the shipped recipes read, with test values (IDs from the sandbox seeds).</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
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

    public static string Folder => System.IO.Path.Combine(RepositoryPaths.Root, "recipes");

    public static IEnumerable<string> Files => Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal);

    public static string Path(string recipe) => System.IO.Path.Combine(Folder, recipe + ".json");

    public static string Sample(string name) => File.ReadAllText(System.IO.Path.Combine(Folder, "samples", name + ".json"));
}
