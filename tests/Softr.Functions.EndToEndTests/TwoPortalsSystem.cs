namespace Softr.Functions.EndToEndTests;

/// <summary>
/// One deployment, two Softr apps: the default connection (the system's usual portal) and <c>portal-b</c>, another app on a
/// token of its own, whose hook's automation names it through an app setting.
/// </summary>
public sealed class TwoPortalsSystem : SystemUnderTest
{
    public const string PortalBHook = "portal-b-signup";
    public const string PortalBKey = "e2e-portal-b-key-0123456789";
    public const string PortalBDomain = "portal-b.softr.app";

    protected override IEnumerable<string> ExtraSandboxArguments() =>
        [$"--Sandbox:Apps:portal-b:ApiKey={PortalBKey}", $"--Sandbox:Apps:portal-b:Domain={PortalBDomain}"];

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings() => new Dictionary<string, string?>
    {
        ["Softr:Connections:portal-b:ApiKey"] = PortalBKey,
        ["Softr:Connections:portal-b:Domain"] = PortalBDomain,
        [$"Webhooks:Hooks:{PortalBHook}:SecretSettings:0"] = "E2E_HOOK_SECRET",
        [$"Webhooks:Hooks:{PortalBHook}:Schema"] = "signup",
        ["Automations:portal-b-signup:Hook"] = PortalBHook,
        // Read from a setting, as the recipes read theirs: the host resolves it at start.
        ["Automations:portal-b-signup:Connection"] = "{{ settings.PORTAL_B_CONNECTION | default: 'default' }}",
        ["PORTAL_B_CONNECTION"] = "portal-b",
        ["Automations:portal-b-signup:Steps:0:Action"] = "user.create",
        ["Automations:portal-b-signup:Steps:0:Inputs:email"] = "{{ payload.email }}",
        ["Automations:portal-b-signup:Steps:0:Inputs:fullName"] = "{{ payload.full_name }}",
        ["Automations:portal-b-signup:Steps:1:Action"] = "record.create",
        ["Automations:portal-b-signup:Steps:1:Inputs:database"] = "db_portal",
        ["Automations:portal-b-signup:Steps:1:Inputs:table"] = "tbl_customers",
        ["Automations:portal-b-signup:Steps:1:Fields:Email"] = "{{ payload.email }}",
        ["Automations:portal-b-signup:Steps:1:Fields:Full name"] = "{{ payload.full_name }}",
    };
}
