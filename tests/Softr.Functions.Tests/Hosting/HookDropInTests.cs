using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Hosting;
using Softr.Functions.Testing;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Hosting;

/// <summary>Issue #17: recipes drop into hooks.d/ and are merged with hooks.json at start; two files defining one name stop the app.</summary>
public sealed class HookDropInTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hooks-d-").FullName;

    public HookDropInTests()
    {
        File.Copy(Path.Combine(TestPaths.RepositoryRoot, "hooks.json"), Path.Combine(_folder, HooksFile.FileName));
        Directory.CreateDirectory(Path.Combine(_folder, HooksFile.DropInFolder));
    }

    [Fact]
    public void TwoRecipesDroppedIn_BootBesideHooksJson_WithEveryHookAndAutomationCompiled()
    {
        DropIn("stripe-checkout-paid.json");
        DropIn("typeform-response.json");

        using var host = Boot();
        var hooks = host.Services.GetRequiredService<IOptions<WebhooksOptions>>().Value.Hooks;
        var catalog = host.Services.GetRequiredService<HookCatalog>();

        Assert.Equal(["signup", "stripe", "typeform"], hooks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("stripe", hooks["stripe"].Sender);
        Assert.Equal(["stripe-checkout-paid"], catalog.Find("stripe")!.Automations.Select(automation => automation.Name));
        Assert.NotEmpty(catalog.Find("typeform")!.Automations);
        Assert.NotEmpty(catalog.Find("signup")!.Automations);
    }

    [Fact]
    public void AnAppSetting_StillOverridesADropIn()
    {
        DropIn("stripe-checkout-paid.json");

        using var host = Boot(new Dictionary<string, string?> { ["Webhooks:Hooks:stripe:ToleranceSeconds"] = "60" });

        Assert.Equal(60, host.Services.GetRequiredService<IOptions<WebhooksOptions>>().Value.Hooks["stripe"].ToleranceSeconds);
    }

    [Fact]
    public void TwoFilesDefiningOneHookOrAutomation_StopTheStart_NamingBothFiles()
    {
        DropIn("stripe-checkout-paid.json");
        File.Copy(Path.Combine(TestPaths.RepositoryRoot, "recipes", "stripe-checkout-paid.json"), Path.Combine(_folder, HooksFile.DropInFolder, "stripe-again.json"));

        var stopped = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddHooksFile(_folder));

        Assert.Contains("The hook 'stripe' is defined in both hooks.d/stripe-again.json and hooks.d/stripe-checkout-paid.json.", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("The automation 'stripe-checkout-paid' is defined in both", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADropInRedefiningAHookOfHooksJson_InAnotherCase_StopsTheStart()
    {
        File.WriteAllText(Path.Combine(_folder, HooksFile.DropInFolder, "mine.json"), """{ "Webhooks": { "Hooks": { "SignUp": { "Sender": "stripe" } } } }""");

        var stopped = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddHooksFile(_folder));

        Assert.Contains("'SignUp' is defined in both hooks.json and hooks.d/mine.json", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADropInThatIsNotAJsonObject_StopsTheStart_NamingIt()
    {
        File.WriteAllText(Path.Combine(_folder, HooksFile.DropInFolder, "broken.json"), "[1, 2");

        var stopped = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddHooksFile(_folder));

        Assert.StartsWith("hooks.d/broken.json is not valid JSON", stopped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadAutomationInADropIn_StopsTheStart_NamingTheDropIn()
    {
        File.WriteAllText(Path.Combine(_folder, HooksFile.DropInFolder, "broken.json"), """
            { "Automations": { "broken": { "Hook": "nowhere", "Steps": [ { "Id": "user", "Action": "user.create" } ] } } }
            """);

        var stopped = Assert.Throws<OptionsValidationException>(() => Boot());

        Assert.Contains("hooks.d/broken.json, automation 'broken': Hook 'nowhere' is not defined", stopped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.json, automation 'broken'", stopped.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void DropIn(string recipe) =>
        File.Copy(Path.Combine(TestPaths.RepositoryRoot, "recipes", recipe), Path.Combine(_folder, HooksFile.DropInFolder, recipe));

    /// <summary>The app's own composition over the folder's files, with the recipes' settings; built as the hosts build it (options validated on start).</summary>
    private IHost Boot(Dictionary<string, string?>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddHooksFile(_folder);
        builder.Configuration.AddInMemoryCollection(Recipes.Settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SIGNUP_HOOK_SECRET"] = "drop-in-test-secret",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Softr:ApiKey"] = "unused",
            ["Softr:Domain"] = "unused.softr.app",
        });
        if (more is not null)
        {
            builder.Configuration.AddInMemoryCollection(more);
        }
        builder.Services.AddSingleton(new PayloadSchemas.Folder(TestPaths.RepositoryRoot));
        builder.Services.AddSoftrFunctionsCore();
        var host = builder.Build();
        // What ValidateOnStart checks at start, without starting the background services (no storage here).
        _ = host.Services.GetRequiredService<IOptions<WebhooksOptions>>().Value;
        _ = host.Services.GetRequiredService<IOptions<AutomationsOptions>>().Value;
        return host;
    }
}
