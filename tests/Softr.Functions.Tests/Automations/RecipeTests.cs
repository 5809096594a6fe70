using Softr.Functions.Automations;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Tests.Automations;

/// <summary>
/// Every shipped recipe passes start-up validation, and its sample event (typed by the real sender,
/// as ingestion would type it) produces the plan the recipe promises.
/// </summary>
public sealed class RecipeTests
{
    public static TheoryData<string> Recipes => [.. RecipeNames()];

    private static IEnumerable<string> RecipeNames() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "recipes"), "*.json").Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Recipe_PassesStartUpValidation(string recipe) => Assert.Empty(AutomationHarness.FromRecipe(recipe).Problems);

    /// <summary>
    /// Every recipe reads its connection from a setting of its own (<c>{RECIPE}_CONNECTION</c>, unset: <c>default</c>), a name
    /// App Service accepts (it refuses <c>Automations__stripe-checkout-paid__Connection</c>): set, every step of the recipe
    /// calls that app. A connection the setting names that is not defined stops the start.
    /// </summary>
    [Theory]
    [MemberData(nameof(Recipes))]
    public void Recipe_RunsOnTheConnectionItsSettingNames(string recipe)
    {
        var setting = recipe.ToUpperInvariant().Replace('-', '_') + "_CONNECTION";
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Softr.Functions.Testing.Recipes.Path(recipe)));
        Assert.All(file.RootElement.GetProperty("Automations").EnumerateObject(),
            automation => Assert.Equal($"{{{{ settings.{setting} | default: 'default' }}}}", automation.Value.GetProperty("Connection").GetString()));
        var settings = new Dictionary<string, string?>(AutomationHarness.RecipeSettings)
        {
            ["Softr:Connections:portal_b:ApiKey"] = "portal-b-token",
            ["Softr:Connections:portal_b:Domain"] = "portal-b.example.com",
            [setting] = "portal_b",
        };

        var harness = AutomationHarness.FromFile(Softr.Functions.Testing.Recipes.Path(recipe), settings);

        Assert.Empty(harness.Problems);
        Assert.All(harness.Catalog().All.SelectMany(hook => hook.Automations).SelectMany(automation => automation.Steps), step => Assert.Equal("portal_b", step.Connection));
        Assert.All(AutomationHarness.FromRecipe(recipe).Catalog().All.SelectMany(hook => hook.Automations).SelectMany(automation => automation.Steps),
            step => Assert.Equal("default", step.Connection));
        settings.Remove("Softr:Connections:portal_b:ApiKey");
        settings.Remove("Softr:Connections:portal_b:Domain");
        Assert.Contains(AutomationHarness.FromFile(Softr.Functions.Testing.Recipes.Path(recipe), settings).Problems,
            problem => problem.Contains($"Connection 'portal_b' (from app setting {setting}) is not defined", StringComparison.Ordinal));
    }

    /// <summary>The README's two portals, locally: the drop-in for the second portal's sign-ups calls portal B, and only once portal B is defined.</summary>
    [Fact]
    public void TheSecondPortalsDropIn_CreatesItsUsersInPortalB()
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "docs", "examples", "portal-b-signup.json");
        var portalB = new Dictionary<string, string?>
        {
            ["SIGNUP_HOOK_SECRET"] = "local-dev-secret-change-me",
            ["Softr:Connections:portal_b:ApiKey"] = "portal-b-key",
            ["Softr:Connections:portal_b:Domain"] = "portal-b.softr.app",
        };

        var harness = AutomationHarness.FromFile(path, portalB);
        var compiled = Assert.Single(Assert.Single(harness.Catalog().Find("portal-b-signup")!.Automations).Steps);
        var planned = Assert.Single(Single(harness.Evaluate("portal-b-signup", "", """{"email":" Grace@Example.com ","full_name":"Grace Hopper"}""")).Steps);

        Assert.Equal(("user.create", "portal_b"), (compiled.Action.Name, compiled.Connection));
        Assert.Equal("grace@example.com", planned.Inputs["email"].Value);
        Assert.Contains(AutomationHarness.FromFile(path, new Dictionary<string, string?> { ["SIGNUP_HOOK_SECRET"] = "x" }).Problems,
            problem => problem.Contains("Connection 'portal_b' is not defined", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRecipeInTheIssueShips() => Assert.Equal(
        ["generic-json", "hubspot-contact", "lemonsqueezy-order", "paddle-transaction", "pipedrive-deal-won", "softr-button", "stripe-checkout-paid",
         "stripe-subscription-status", "tally-response", "typeform-response"],
        RecipeNames());

    [Fact]
    public void StripeCheckoutPaid_CreatesTheUserWithAMagicLink_InvitesThem_AndUpsertsTheCustomer()
    {
        var plan = Single(Plan("stripe-checkout-paid", "stripe", "stripe-checkout-paid"));

        Assert.Equal(["user.create", "user.invite", "record.upsert"], plan.Steps.Select(step => step.Action));
        var create = plan.Steps[0];
        Assert.Equal("ada.lovelace@example.com", create.Inputs["email"].Value);
        Assert.Equal("Ada Lovelace", create.Inputs["fullName"].Value);
        Assert.Equal("true", create.Inputs["magicLink"].Value);
        Assert.Equal("{{ steps.user.email }}", plan.Steps[1].Inputs["email"].Deferred);
        var upsert = plan.Steps[2];
        Assert.Equal(("db_portal", "tbl_customers", "Email"), (upsert.Inputs["database"].Value, upsert.Inputs["table"].Value, upsert.Inputs["key"].Value));
        Assert.Equal("ada.lovelace@example.com", upsert.Fields["Email"].Value);
        Assert.Equal("cus_QxAda0001", upsert.Fields["Stripe customer"].Value);
        Assert.Equal("49", upsert.Fields["Amount paid"].Value);
        Assert.Equal("EUR", upsert.Fields["Currency"].Value);
        Assert.Equal("2025-11-24T16:00:00Z", upsert.Fields["Paid at"].Value);
        Assert.Equal("{{ steps.user.magicLink }}", upsert.Fields["Magic link"].Deferred);
    }

    [Fact]
    public void StripeCheckoutUnpaid_PlansNothing_AndSaysWhy()
    {
        var unpaid = AutomationHarness.Sample("stripe-checkout-paid").Replace("\"payment_status\": \"paid\"", "\"payment_status\": \"unpaid\"", StringComparison.Ordinal);

        var outcome = Assert.Single(AutomationHarness.FromRecipe("stripe-checkout-paid").Evaluate("stripe", "checkout.session.completed", unpaid).Automations);

        Assert.Equal(OutcomeStatus.ConditionFailed, outcome.Status);
        Assert.Equal("payload.data.object.payment_status must equal 'paid' (it was something else)", outcome.Reason);
        Assert.Empty(outcome.Steps);
    }

    [Fact]
    public void StripeInvoicePaid_ActivatesTheUser_AndCancellationDeactivatesThem()
    {
        var paid = Plan("stripe-subscription-status", "stripe-billing", "stripe-invoice-paid");
        var cancelled = Plan("stripe-subscription-status", "stripe-billing", "stripe-subscription-cancelled");

        var activate = Assert.Single(Single(paid).Steps);
        var deactivate = Assert.Single(Single(cancelled).Steps);
        Assert.Equal(("user.activate", "ada.lovelace@example.com"), (activate.Action, activate.Inputs["email"].Value));
        Assert.Equal(("user.deactivate", "ada.lovelace@example.com"), (deactivate.Action, deactivate.Inputs["email"].Value));
        Assert.Contains(paid.Automations, outcome => outcome is { Name: "stripe-subscription-cancelled", Status: OutcomeStatus.OtherEventType });
    }

    [Fact]
    public void LemonSqueezyOrder_CreatesAndInvitesTheUser()
    {
        var plan = Single(Plan("lemonsqueezy-order", "lemonsqueezy", "lemonsqueezy-order"));

        Assert.Equal(["user.create", "user.invite"], plan.Steps.Select(step => step.Action));
        Assert.Equal(("grace@example.com", "Grace Hopper"), (plan.Steps[0].Inputs["email"].Value, plan.Steps[0].Inputs["fullName"].Value));
    }

    [Fact]
    public void PaddleTransaction_CreatesAndInvitesTheUser()
    {
        var plan = Single(Plan("paddle-transaction", "paddle", "paddle-transaction"));

        Assert.Equal(["user.create", "user.invite"], plan.Steps.Select(step => step.Action));
        Assert.Equal(("katherine.johnson@example.com", "Katherine Johnson"), (plan.Steps[0].Inputs["email"].Value, plan.Steps[0].Inputs["fullName"].Value));
    }

    [Fact]
    public void TypeformResponse_CreatesARecordWithTheMappedAnswers()
    {
        var step = Assert.Single(Single(Plan("typeform-response", "typeform", "typeform-response")).Steps);

        Assert.Equal(("record.create", "tbl_applications"), (step.Action, step.Inputs["table"].Value));
        Assert.Equal("Mary Jackson", step.Fields["Name"].Value);
        Assert.Equal("mary.jackson@example.com", step.Fields["Email"].Value);
        Assert.Equal("42", step.Fields["Company size"].Value);
        Assert.Equal("Portals, Automations", step.Fields["Interests"].Value);
        Assert.Equal("a3a12ec67a1365927098a606107fac15", step.Fields["Typeform response"].Value);
    }

    [Fact]
    public void TallyResponse_CreatesARecordWithTheMappedAnswers_JoiningTheName()
    {
        var step = Assert.Single(Single(Plan("tally-response", "tally", "tally-response")).Steps);

        Assert.Equal(("record.create", "tbl_requests"), (step.Action, step.Inputs["table"].Value));
        Assert.Equal("Dorothy Vaughan", step.Fields["Full name"].Value);
        Assert.Equal("dorothy.vaughan@example.com", step.Fields["Email"].Value);
        Assert.Equal("Billing", step.Fields["Topic"].Value);
        Assert.Equal("2026-11-24", step.Fields["Received"].Value);
    }

    [Fact]
    public void HubSpotContact_CreatesTheUser()
    {
        var step = Assert.Single(Single(Plan("hubspot-contact", "hubspot", "hubspot-contact")).Steps);

        Assert.Equal(("user.create", "annie.easley@example.com", "Annie.Easley"), (step.Action, step.Inputs["email"].Value, step.Inputs["fullName"].Value));
    }

    [Fact]
    public void PipedriveDealWon_UpsertsTheDeal_ButAnUpdateOfAnAlreadyWonDealDoesNot()
    {
        var step = Assert.Single(Single(Plan("pipedrive-deal-won", "pipedrive", "pipedrive-deal-won")).Steps);
        var again = AutomationHarness.Sample("pipedrive-deal-won").Replace("\"previous\": { \"status\": \"open\"", "\"previous\": { \"status\": \"won\"", StringComparison.Ordinal);

        Assert.Equal(("record.upsert", "Pipedrive ID"), (step.Action, step.Inputs["key"].Value));
        Assert.Equal(("1042", "Acme portal licence", "12000", "2026-11-24", "Won"),
            (step.Fields["Pipedrive ID"].Value, step.Fields["Title"].Value, step.Fields["Value"].Value, step.Fields["Won at"].Value, step.Fields["Status"].Value));
        Assert.Equal(OutcomeStatus.ConditionFailed,
            Assert.Single(AutomationHarness.FromRecipe("pipedrive-deal-won").Evaluate("pipedrive", "deal.updated", again).Automations).Status);
    }

    [Fact]
    public void SoftrButton_UpdatesTheRecord()
    {
        var step = Assert.Single(Single(Plan("softr-button", "softr-approve", "softr-button")).Steps);

        Assert.Equal(("record.update", "rec_01JDXQAB12CD34EF56GH78JK"), (step.Action, step.Inputs["recordId"].Value));
        Assert.Equal(("Approved", "reviewer@example.com", "2026-11-24T12:00:00.0000000+00:00"),
            (step.Fields["Status"].Value, step.Fields["Reviewed by"].Value, step.Fields["Reviewed at"].Value));
    }

    [Fact]
    public void GenericJson_MapsFieldsOneToOne_AndLeavesEmptyOnesOut()
    {
        var step = Assert.Single(Single(Plan("generic-json", "zapier-leads", "generic-json")).Steps);

        Assert.Equal(("record.create", "tbl_leads"), (step.Action, step.Inputs["table"].Value));
        Assert.Equal(("Margaret Hamilton", "margaret@example.com", "MIT Instrumentation Lab", "zapier"),
            (step.Fields["Name"].Value, step.Fields["Email"].Value, step.Fields["Company"].Value, step.Fields["Source"].Value));
    }

    /// <summary>The sample as the door reads it on the hook (its real sender types it; a batch is split: the samples hold one event), and its plan.</summary>
    private static AutomationEvaluation Plan(string recipe, string hookName, string sample)
    {
        var reading = AutomationHarness.FromRecipe(recipe).Read(hookName, AutomationHarness.Sample(sample));
        var read = Assert.Single(reading.Events);
        var taken = Assert.IsType<ReadEvent.Taken>(read, exactMatch: true);
        return taken.Evaluation!;
    }

    private static AutomationOutcome Single(AutomationEvaluation evaluation)
    {
        var planned = Assert.Single(evaluation.Automations, outcome => outcome.Status == OutcomeStatus.Planned);
        Assert.Null(planned.Reason);
        return planned;
    }
}
