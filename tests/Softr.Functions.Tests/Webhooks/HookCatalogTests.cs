using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;
using Softr.Functions.Tests.Automations;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Tests.Webhooks;

/// <summary>
/// Issue #24, item 1: names resolve once, at start-up, into one model. Each layer used to look names up again
/// under its own case rules: an automation with <c>"Hook": "Signup"</c> on hook <c>signup</c> passed start-up
/// validation (case-insensitive) and never ran (the catalog was case-sensitive); the dry run found the hook and
/// none of its automations.
/// </summary>
public sealed class HookCatalogTests
{
    private const string Configuration = """
        {
          "Webhooks": { "Hooks": {
            "signup": { "SecretSettings": [ "SIGNUP_SECRET" ], "Schema": "signup" },
            "stripe": { "Sender": "Stripe", "SecretSettings": [ "STRIPE_SECRET" ] }
          } },
          "Automations": {
            "welcome": { "Hook": "Signup", "Steps": [
              { "Id": "user", "Action": "User.Create", "Inputs": { "email": "{{ payload.email }}", "fullName": "{{ payload.full_name }}" } } ] },
            "paid": { "Hook": "STRIPE", "Steps": [ { "Action": "user.invite", "Inputs": { "email": "{{ payload.data.object.customer_details.email }}" } } ] }
          }
        }
        """;

    private static readonly Dictionary<string, string?> Secrets = new()
    {
        ["SIGNUP_SECRET"] = "a-signup-secret-of-length",
        ["STRIPE_SECRET"] = "whsec_test",
        ["Softr:ApiKey"] = "test-softr-key",
        ["Softr:Domain"] = "portal.example.com",
    };

    [Theory]
    [InlineData("signup")]
    [InlineData("Signup")]
    [InlineData("SIGNUP")]
    public void AHookInAnyCase_IsTheSameObject_WithTheAutomationsThatNameItInAnyCase(string name)
    {
        var catalog = AutomationHarness.FromJson(Configuration, Secrets).Catalog();

        var hook = catalog.Find(name);

        Assert.Same(catalog.Find("signup"), hook);
        Assert.Equal("signup", hook!.Name);
        Assert.Equal(["welcome"], hook.Automations.Select(automation => automation.Name));
        Assert.Equal("signup", hook.Automations[0].Hook);
    }

    [Fact]
    public void SendersAndActionsInAnyCase_ResolveToTheRegisteredObjects()
    {
        var catalog = AutomationHarness.FromJson(Configuration, Secrets).Catalog();

        Assert.Same(WebhookSenders.All.Find("stripe"), catalog.Find("stripe")!.Sender);
        Assert.Same(SoftrActions.All[SoftrActions.UserCreate], catalog.Find("signup")!.Automations[0].Steps[0].Action);
        Assert.Equal(["paid"], catalog.Find("Stripe")!.Automations.Select(automation => automation.Name));
    }

    [Fact]
    public async Task TheDryRun_OnAHookNamedInAnotherCase_FindsItsAutomations()
    {
        var harness = AutomationHarness.FromJson(Configuration, Secrets);
        var catalog = harness.Catalog();
        var dryRun = new AutomationDryRun(catalog, new Softr.Functions.Webhooks.HookSecrets(new ConfigurationBuilder().AddInMemoryCollection(Secrets).Build()), harness.Reader());
        var body = Encoding.UTF8.GetBytes("""{"email":"ada@example.com","full_name":"Ada Lovelace"}""");

        var (result, problem) = await dryRun.RunAsync("Signup", new MemoryStream(body), body.Length, "application/json", _ => null);

        Assert.Null(problem);
        var outcome = Assert.Single(result!.Automations);
        Assert.Equal(("welcome", OutcomeStatus.Planned), (outcome.Name, outcome.Status));
    }

    [Fact]
    public void AStepReferenceInAnotherCase_StopsTheStart_NamingIt()
    {
        var harness = AutomationHarness.FromJson("""
            {
              "Webhooks": { "Hooks": { "signup": { "SecretSettings": [ "SIGNUP_SECRET" ], "Schema": "signup" } } },
              "Automations": { "welcome": { "Hook": "signup", "Steps": [
                { "Id": "user", "Action": "user.create", "Inputs": { "email": "{{ payload.email }}", "fullName": "{{ payload.full_name }}", "magicLink": "true" } },
                { "Id": "invite", "Action": "user.invite", "Inputs": { "email": "{{ steps.User.email }}" } } ] } }
            }
            """, Secrets);

        var problem = Assert.Single(harness.Problems);
        Assert.Contains("automation 'welcome', step 2 'invite'", problem, StringComparison.Ordinal);
        Assert.Contains("uses steps.User.email, but the earlier step's id is 'user' (templates are case-sensitive)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAutomationOnAnUnknownHook_StopsTheStart_NamingBoth()
    {
        var harness = AutomationHarness.FromJson("""
            {
              "Webhooks": { "Hooks": { "signup": { "SecretSettings": [ "SIGNUP_SECRET" ], "Schema": "signup" } } },
              "Automations": { "welcome": { "Hook": "sign-up", "Steps": [ { "Action": "user.invite", "Inputs": { "email": "{{ payload.email }}" } } ] } }
            }
            """, Secrets);

        Assert.Contains(harness.Problems, problem => problem.Contains("automation 'welcome'", StringComparison.Ordinal)
            && problem.Contains("Hook 'sign-up' is not defined", StringComparison.Ordinal));
    }

    /// <summary>
    /// The catalog's automations are the configuration's one compilation (issue #24, item 1: built once): asked again for the
    /// same configuration, as start-up validation asks, the compiler gives the very objects the catalog holds.
    /// </summary>
    [Fact]
    public void TheAutomations_AreCompiledOnce_ForValidationAndTheCatalogAlike()
    {
        using var services = CoreServices.Build(new()
        {
            ["Softr:ApiKey"] = "test-api-key-0123456789",
            ["Softr:Domain"] = "demo.softr.app",
            ["Webhooks:Hooks:forms:Sender"] = "shared-secret",
            ["Webhooks:Hooks:forms:SecretSettings:0"] = "FORMS_SECRET",
            ["FORMS_SECRET"] = "a-forms-secret-of-length",
            ["Automations:welcome:Hook"] = "forms",
            ["Automations:welcome:Steps:0:Action"] = "user.invite",
            ["Automations:welcome:Steps:0:Inputs:email"] = "{{ payload.email }}",
        });

        var options = services.GetRequiredService<IOptions<AutomationsOptions>>().Value; // validated, so compiled
        var catalog = services.GetRequiredService<Softr.Functions.Webhooks.HookCatalog>();
        var problems = new List<string>();
        var asked = AutomationCompiler.CompileAll(options, services.GetRequiredService<IOptions<Softr.Functions.Webhooks.WebhooksOptions>>().Value,
            services.GetRequiredService<IConfiguration>(), problems);

        Assert.Empty(problems);
        Assert.Same(Assert.Single(asked), Assert.Single(catalog.Find("forms")!.Automations));
    }
}
