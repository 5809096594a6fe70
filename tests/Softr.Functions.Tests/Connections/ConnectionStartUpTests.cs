using Softr.Functions.Tests.Automations;

namespace Softr.Functions.Tests.Connections;

/// <summary>
/// Start-up refuses an automation that could not reach its Softr app, naming the automation (and the step) and what to
/// set: a connection that is not defined, one without a key, a Users API step on one without a domain.
/// </summary>
public sealed class ConnectionStartUpTests
{
    private const string Hooks = """
        "Webhooks": { "Hooks": { "shop": { "Sender": "stripe", "SecretSettings": [ "STRIPE_WEBHOOK_SECRET" ] } } }
        """;

    private const string Invite = """{ "Action": "user.invite", "Inputs": { "email": "{{ payload.email }}" } }""";

    private const string InviteOnDefault = """{ "Action": "user.invite", "Connection": "default", "Inputs": { "email": "{{ payload.email }}" } }""";

    private const string CreateRecord = """{ "Action": "record.create", "Inputs": { "database": "db", "table": "t" }, "Fields": { "Email": "{{ payload.email }}" } }""";

    [Fact]
    public void AnAutomationNamingAConnectionThatIsNotDefined_IsRefused_NamingTheAutomation() => Assert.Equal(
        "hooks.json, automation 'onboard': Connection 'client-x' is not defined under Softr:Connections; defined: client-b, default.",
        Assert.Single(Problems(automationConnection: "client-x", steps: Invite)));

    [Fact]
    public void AStepNamingAConnectionThatIsNotDefined_IsRefused_NamingTheStep() => Assert.Equal(
        "hooks.json, automation 'onboard', step 1 'step1' (user.invite): Connection 'clientb' is not defined under Softr:Connections; defined: client-b, default.",
        Assert.Single(Problems(automationConnection: null, steps: """{ "Action": "user.invite", "Connection": "clientb", "Inputs": { "email": "x@example.com" } }""")));

    [Fact]
    public void AConnectionWithoutAKey_IsRefused_NamingTheAutomation_TheStep_AndTheSetting() => Assert.Equal(
        "hooks.json, automation 'onboard', step 1 'step1' (record.create): connection 'keyless' has no key to call Softr with; " +
        "set Softr:Connections:keyless:ApiKey (app setting Softr__Connections__keyless__ApiKey).",
        Assert.Single(Problems("keyless", CreateRecord)));

    [Fact]
    public void AUsersApiStepOnAConnectionWithoutADomain_IsRefused_ButADatabaseStepThereIsNot()
    {
        Assert.Equal(
            "hooks.json, automation 'onboard', step 2 'step2' (user.invite): user.invite calls the Users API, which names the app by its domain, " +
            "and connection 'tables-only' has none; set Softr:Connections:tables-only:Domain.",
            Assert.Single(Problems("tables-only", CreateRecord, Invite)));
        Assert.Empty(Problems("tables-only", CreateRecord));
    }

    [Fact]
    public void ADisabledAutomation_OnAnUnusableConnection_DoesNotStopTheStart() =>
        Assert.Empty(AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", "Disabled": true, "Connection": "keyless", "Steps": [ {{Invite}} ] } } }
            """, Settings()).Problems);

    [Fact]
    public void AStepsOwnConnection_OverridesItsAutomations_AndIsWhatItRunsOn()
    {
        var harness = AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", "Connection": "client-b", "Steps": [
                {{Invite}},
                {{InviteOnDefault}} ] } } }
            """, Settings());

        Assert.Empty(harness.Problems);
        var automation = Assert.Single(harness.Catalog().Find("shop")!.Automations);
        Assert.Equal("client-b", automation.Connection);
        Assert.Equal(["client-b", "default"], automation.Steps.Select(step => step.Connection));
    }

    /// <summary>A step's override emptied (an app setting set to nothing, to clear it) leaves the automation's connection, not the default's.</summary>
    [Fact]
    public void ABlankStepConnection_LeavesTheAutomations()
    {
        var settings = Settings();
        settings["Automations:onboard:Steps:0:Connection"] = "";
        var harness = AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", "Connection": "client-b", "Steps": [ {{Invite}} ] } } }
            """, settings);

        Assert.Empty(harness.Problems);
        Assert.Equal("client-b", Assert.Single(Assert.Single(harness.Catalog().Find("shop")!.Automations).Steps).Connection);
    }

    [Fact]
    public void AConfigurationWithoutConnections_RunsEveryAutomationOnTheDefault_AsBefore()
    {
        var harness = AutomationHarness.FromJson($$"""
            { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", "Steps": [ {{Invite}} ] } } }
            """);

        Assert.Empty(harness.Problems);
        Assert.Equal(SoftrConnection.DefaultName, Assert.Single(Assert.Single(harness.Catalog().Find("shop")!.Automations).Steps).Connection);
    }

    private static IReadOnlyList<string> Problems(string? automationConnection, params string[] steps) => AutomationHarness.FromJson($$"""
        { {{Hooks}}, "Automations": { "onboard": { "Hook": "shop", {{(automationConnection is null ? "" : $"\"Connection\": \"{automationConnection}\",")}} "Steps": [ {{string.Join(", ", steps)}} ] } } }
        """, Settings(keyless: automationConnection == "keyless", tablesOnly: automationConnection == "tables-only")).Problems;

    private static Dictionary<string, string?> Settings(bool keyless = true, bool tablesOnly = false)
    {
        var settings = new Dictionary<string, string?>(AutomationHarness.RecipeSettings)
        {
            ["Softr:Connections:client-b:ApiKey"] = "client-b-token",
            ["Softr:Connections:client-b:Domain"] = "portal-b.example.com",
        };
        if (keyless)
        {
            settings["Softr:Connections:keyless:Domain"] = "keyless.example.com";
        }
        if (tablesOnly)
        {
            settings["Softr:Connections:tables-only:ApiKey"] = "tables-token";
        }
        return settings;
    }
}
