using Softr.Functions.Testing;

namespace Softr.Functions.EndToEndTests.Processing;

/// <summary>
/// One harness for the processing tests: every shipped recipe (so that they run against the sandbox
/// with the recipes' own seed) and a few automations of the tests' own.
/// </summary>
public sealed class ProcessingFixture : IAsyncLifetime
{
    public const string TestHook = "tests";

    public static readonly Dictionary<string, string?> Settings = new(Recipes.Settings)
    {
        ["TESTS_SECRET"] = "tests-secret-0123456789",
        [$"Webhooks:Hooks:{TestHook}:SecretSettings:0"] = "TESTS_SECRET",
        // "kind" picks the automation, so each test uses its own.
        ["Automations:magic-link:Hook"] = TestHook,
        ["Automations:magic-link:When:Path"] = "payload.kind",
        ["Automations:magic-link:When:Equals"] = "magic-link",
        ["Automations:magic-link:Steps:0:Id"] = "link",
        ["Automations:magic-link:Steps:0:Action"] = "user.magicLink",
        ["Automations:magic-link:Steps:0:Inputs:email"] = "{{ payload.email }}",
        ["Automations:invite:Hook"] = TestHook,
        ["Automations:invite:When:Path"] = "payload.kind",
        ["Automations:invite:When:Equals"] = "invite",
        ["Automations:invite:Steps:0:Id"] = "invite",
        ["Automations:invite:Steps:0:Action"] = "user.invite",
        ["Automations:invite:Steps:0:Inputs:email"] = "{{ payload.email }}",
        ["Automations:member:Hook"] = TestHook,
        ["Automations:member:When:Path"] = "payload.kind",
        ["Automations:member:When:Equals"] = "member",
        ["Automations:member:Steps:0:Id"] = "member",
        ["Automations:member:Steps:0:Action"] = "record.upsert",
        ["Automations:member:Steps:0:Inputs:database"] = "db_portal",
        ["Automations:member:Steps:0:Inputs:table"] = "tbl_members",
        ["Automations:member:Steps:0:Inputs:key"] = "Email",
        ["Automations:member:Steps:0:Fields:Email"] = "{{ payload.email }}",
        ["Automations:member:Steps:0:Fields:Name"] = "{{ payload.name }}",
        ["Automations:new-member:Hook"] = TestHook,
        ["Automations:new-member:When:Path"] = "payload.kind",
        ["Automations:new-member:When:Equals"] = "new-member",
        ["Automations:new-member:Steps:0:Id"] = "member",
        ["Automations:new-member:Steps:0:Action"] = "record.create",
        ["Automations:new-member:Steps:0:Inputs:database"] = "db_portal",
        ["Automations:new-member:Steps:0:Inputs:table"] = "tbl_members",
        ["Automations:new-member:Steps:0:Fields:Email"] = "{{ payload.email }}",
        ["Automations:new-member:Steps:0:Fields:Name"] = "{{ payload.name }}",
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

    public static string RecipePath(string recipe) => Recipes.Path(recipe);

    public static string Sample(string sample) => Recipes.Sample(sample);

    public async Task InitializeAsync() => Harness = await ProcessingHarness.StartAsync(
        Settings,
        Recipes.Files,
        Path.Combine(RepositoryPaths.Root, "tests", "Softr.Functions.EndToEndTests", "Processing", "recipes-seed.json"));

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
