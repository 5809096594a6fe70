using Softr.Functions.Automations;

namespace Softr.Functions.Tests.Automations;

/// <summary>An automation's or a step's connection read from an app setting (<see cref="ConnectionSetting"/>), and what start-up says when it cannot be.</summary>
public sealed class ConnectionSettingTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["PORTAL_CONNECTION"] = "portal_b", ["BLANK_CONNECTION"] = "  " };

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("portal_b", "portal_b", null)]
    [InlineData("{{ settings.PORTAL_CONNECTION }}", "portal_b", "PORTAL_CONNECTION")]
    [InlineData("{{settings.PORTAL_CONNECTION|default:'default'}}", "portal_b", "PORTAL_CONNECTION")]
    [InlineData("{{ settings.UNSET_CONNECTION | default: 'default' }}", "default", "UNSET_CONNECTION")]
    [InlineData("{{ settings.BLANK_CONNECTION | default: ' other ' }}", "other", "BLANK_CONNECTION")]
    [InlineData("{{ settings.UNSET_CONNECTION }}", "{{ settings.UNSET_CONNECTION }}", "UNSET_CONNECTION")]
    [InlineData("{{ payload.app }}", "{{ payload.app }}", null)]
    public void AConnection_IsItsName_OrItsSettingsValue_OrItsDefault(string? text, string? resolved, string? setting) =>
        Assert.Equal((resolved, setting), ConnectionSetting.Resolve(text, name => Settings.GetValueOrDefault(name)));

    [Fact]
    public void ASettingNamingAConnectionThatIsNotDefined_StopsTheStart_NamingTheSettingToFix()
    {
        var harness = AutomationHarness.FromJson(Automation("{{ settings.PORTAL_B_CONNECTION | default: 'default' }}"),
            new Dictionary<string, string?> { ["PORTAL_B_CONNECTION"] = "portal_c" });

        var problem = Assert.Single(harness.Problems);
        Assert.Contains("automation 'welcome': Connection 'portal_c' (from app setting PORTAL_B_CONNECTION) is not defined", problem, StringComparison.Ordinal);
    }

    /// <summary>A step's own connection may read a setting too; unset with an empty default, the step calls its automation's.</summary>
    [Theory]
    [InlineData("portal_b", "portal_b")]
    [InlineData(null, "default")]
    public void AStepsConnection_MayReadASetting_AndWithoutOne_IsItsAutomations(string? setting, string expected)
    {
        var json = Automation("default").Replace("""{ "Action": "user.create",""", """{ "Action": "user.create", "Connection": "{{ settings.STEP_CONNECTION | default: '' }}",""", StringComparison.Ordinal);
        var harness = AutomationHarness.FromJson(json, new Dictionary<string, string?>
        {
            ["STEP_CONNECTION"] = setting,
            ["Softr:Connections:portal_b:ApiKey"] = "portal-b-token",
            ["Softr:Connections:portal_b:Domain"] = "portal-b.example.com",
        });

        Assert.Empty(harness.Problems);
        Assert.Equal(expected, Assert.Single(Assert.Single(Assert.Single(harness.Catalog().All).Automations).Steps).Connection);
    }

    [Fact]
    public void AnUnsetSettingWithoutADefault_StopsTheStart_NamingTheSetting()
    {
        var harness = AutomationHarness.FromJson(Automation("{{ settings.PORTAL_B_CONNECTION }}"), new Dictionary<string, string?>());

        var problem = Assert.Single(harness.Problems);
        Assert.Contains("automation 'welcome': Connection reads the app setting PORTAL_B_CONNECTION, which is not set", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectionChosenPerEvent_StopsTheStart()
    {
        var harness = AutomationHarness.FromJson(Automation("{{ payload.portal }}"), new Dictionary<string, string?>());

        var problem = Assert.Single(harness.Problems);
        Assert.Contains("Connection '{{ payload.portal }}' is neither a connection's name nor {{ settings.NAME }}", problem, StringComparison.Ordinal);
        Assert.Contains("not per event", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSettingsConnection_IsWhatTheStepsCall_AndWhatTheOptionsHold()
    {
        var harness = AutomationHarness.FromJson(Automation("{{ settings.PORTAL_B_CONNECTION | default: 'default' }}"), new Dictionary<string, string?>
        {
            ["PORTAL_B_CONNECTION"] = "portal_b",
            ["Softr:Connections:portal_b:ApiKey"] = "portal-b-token",
            ["Softr:Connections:portal_b:Domain"] = "portal-b.example.com",
        });

        Assert.Empty(harness.Problems);
        Assert.Equal("portal_b", harness.Options.Automations["welcome"].Connection);
        Assert.Equal("portal_b", Assert.Single(Assert.Single(Assert.Single(harness.Catalog().All).Automations).Steps).Connection);
    }

    private static string Automation(string connection) => $$$"""
        {
          "Webhooks": { "Hooks": { "signup": { "Sender": "shared-secret", "SecretSettings": [ "HOOK_SECRET" ] } } },
          "Automations": {
            "welcome": {
              "Hook": "signup",
              "Connection": "{{{connection}}}",
              "Steps": [ { "Action": "user.create", "Inputs": { "email": "{{ payload.email }}", "fullName": "{{ payload.name }}" } } ]
            }
          }
        }
        """;
}
