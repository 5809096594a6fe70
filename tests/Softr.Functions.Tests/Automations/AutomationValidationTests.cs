using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Automations;

namespace Softr.Functions.Tests.Automations;

/// <summary>
/// Start-up validation refuses each kind of mistake with a message naming the file, the automation,
/// the step and the problem.
/// </summary>
public sealed class AutomationValidationTests
{
    private const string Hooks = """
        "Webhooks": { "Hooks": { "shop": { "Sender": "stripe", "SecretSettings": [ "STRIPE_WEBHOOK_SECRET" ], "Events": [ "checkout.session.completed" ] } } }
        """;

    [Fact]
    public void AValidAutomation_HasNoProblems() =>
        Assert.Empty(Problems("""{ "Action": "user.invite", "Inputs": { "email": "{{ payload.email }}" } }"""));

    [Fact]
    public void UnknownAction_IsNamedWithTheStep() => Assert.Equal(
        "hooks.json, automation 'onboard', step 1 'step1' (user.teleport): Action 'user.teleport' is unknown; use one of: user.create, user.invite, " +
        "user.magicLink, user.activate, user.deactivate, user.delete, user.sync, record.create, record.update, record.delete, record.upsert, record.search.",
        Assert.Single(Problems("""{ "Action": "user.teleport", "Inputs": { "email": "x" } }""")));

    [Fact]
    public void RequiredInputWithoutMapping_IsRefused() => Assert.Equal(
        "hooks.json, automation 'onboard', step 1 'step1' (user.create): input 'fullName' is required by user.create but no mapping provides it.",
        Assert.Single(Problems("""{ "Action": "user.create", "Inputs": { "email": "{{ payload.email }}" } }""")));

    [Fact]
    public void InputTheActionDoesNotTake_IsRefused() => Assert.Contains(
        "input 'colour' is not an input of user.invite",
        Assert.Single(Problems("""{ "Action": "user.invite", "Inputs": { "email": "a@b.c", "colour": "red" } }""")), StringComparison.Ordinal);

    [Fact]
    public void MalformedTemplate_IsRefusedWithTheParserMessage()
    {
        var problem = Assert.Single(Problems("""{ "Action": "user.invite", "Inputs": { "email": "{{ payload.email | }}" } }"""));

        Assert.StartsWith("hooks.json, automation 'onboard', step 1 'step1' (user.invite): input 'email': the template '{{ payload.email | }}' does not parse:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingThatIsNotSet_IsRefused() => Assert.Equal(
        "hooks.json, automation 'onboard', step 1 'step1' (record.delete): input 'table' reads the app setting 'MISSING_TABLE_ID', which is not set.",
        Assert.Single(Problems("""{ "Action": "record.delete", "Inputs": { "database": "db", "table": "{{ settings.MISSING_TABLE_ID }}", "recordId": "r" } }""")));

    [Fact]
    public void ReferenceToALaterStep_IsRefused() => Assert.Equal(
        "hooks.json, automation 'onboard', step 1 'step1' (user.invite): input 'email' uses steps.user.email, but no earlier step has the id 'user'.",
        Assert.Single(Problems(
            """{ "Action": "user.invite", "Inputs": { "email": "{{ steps.user.email }}" } }""",
            """{ "Id": "user", "Action": "user.create", "Inputs": { "email": "a@b.c", "fullName": "A" } }""")));

    [Fact]
    public void ReferenceToAResultTheStepDoesNotGive_IsRefused() => Assert.Equal(
        "hooks.json, automation 'onboard', step 2 'step2' (user.invite): input 'email' uses steps.search.magicLink, but record.search gives only: recordId, count.",
        Assert.Single(Problems(
            """{ "Id": "search", "Action": "record.search", "Inputs": { "database": "d", "table": "t", "field": "Email", "value": "x" } }""",
            """{ "Action": "user.invite", "Inputs": { "email": "{{ steps.search.magicLink }}" } }""")));

    [Fact]
    public void UpsertKeyThatIsNotAField_IsRefused() => Assert.Contains(
        "the key field 'Email' must be one of its Fields",
        Assert.Single(Problems("""{ "Action": "record.upsert", "Inputs": { "database": "d", "table": "t", "key": "Email" }, "Fields": { "Name": "x" } }""")),
        StringComparison.Ordinal);

    [Fact]
    public void DuplicateStepIds_AreRefused() => Assert.Contains(
        "Id 'a' is used by an earlier step",
        Assert.Single(Problems(
            """{ "Id": "a", "Action": "user.invite", "Inputs": { "email": "x" } }""",
            """{ "Id": "a", "Action": "user.activate", "Inputs": { "email": "x" } }""")),
        StringComparison.Ordinal);

    [Fact]
    public void UnknownHook_AndAnEventTypeTheHookIgnores_AreRefused()
    {
        var problems = AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": {
                "a": { "Hook": "nope", "Steps": [ { "Action": "user.invite", "Inputs": { "email": "x" } } ] },
                "b": { "Hook": "shop", "Events": [ "invoice.paid" ], "Steps": [ { "Action": "user.invite", "Inputs": { "email": "x" } } ] } } }
            """).Problems;

        Assert.Equal(2, problems.Count);
        Assert.Contains("hooks.json, automation 'a': Hook 'nope' is not defined under Webhooks:Hooks; defined: shop.", problems);
        Assert.Contains("hooks.json, automation 'b': event type 'invoice.paid' is not among the events hook 'shop' accepts (checkout.session.completed), so it would never run.", problems);
    }

    [Theory]
    [InlineData("""{ "Path": "payload.a", "Equals": "x", "Exists": true }""", "needs exactly one operator")]
    [InlineData("""{ "Path": "payload.a" }""", "needs exactly one operator")]
    [InlineData("""{ "Path": "payload.a", "Matches": "([a-z" }""", "is not a valid regular expression")]
    [InlineData("""{ "Path": "payload.a |", "Equals": "x" }""", "is not a valid Liquid expression")]
    [InlineData("""{ "All": [ { "Path": "payload.a", "Equals": "x" } ], "Path": "payload.b", "Equals": "y" }""", "either All, Any, Not, or a Path")]
    public void MalformedCondition_IsRefused(string condition, string expected)
    {
        var problem = Assert.Single(AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", "When": {{condition}}, "Steps": [ { "Action": "user.invite", "Inputs": { "email": "x" } } ] } } }
            """).Problems);

        Assert.StartsWith("hooks.json, automation 'onboard', When", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAppRefusesToStart_WithTheMessages()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Webhooks:Hooks:shop:Sender"] = "stripe",
                ["Webhooks:Hooks:shop:SecretSettings:0"] = "STRIPE_WEBHOOK_SECRET",
                ["STRIPE_WEBHOOK_SECRET"] = "whsec_x",
                ["Automations:broken:Hook"] = "shop",
                ["Automations:broken:Steps:0:Action"] = "user.explode",
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["Softr:ApiKey"] = "k",
                ["Softr:Domain"] = "demo.softr.app",
            }).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSoftrFunctionsCore();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AutomationsOptions>>().Value);

        Assert.Contains("hooks.json, automation 'broken', step 1 'step1' (user.explode): Action 'user.explode' is unknown", failure.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<string> Problems(params string[] steps) => AutomationHarness.FromJson($$"""
        { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", "Steps": [ {{string.Join(", ", steps)}} ] } } }
        """).Problems;
}
