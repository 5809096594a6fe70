namespace Softr.Functions.Tests.Sandbox;

/// <summary>Three apps: the default, a second portal on a token of its own, and a third portal in the default's workspace (its token).</summary>
public sealed class MultiAppSandboxHost : SandboxHost
{
    public const string PortalBKey = "portal-b-key";
    public const string PortalBDomain = "portal-b.softr.app";
    public const string SiblingDomain = "sibling.softr.app";

    protected override IEnumerable<string> ExtraArguments() =>
    [
        $"--Sandbox:Apps:portal-b:ApiKey={PortalBKey}", $"--Sandbox:Apps:portal-b:Domain={PortalBDomain}",
        $"--Sandbox:Apps:sibling:ApiKey={ApiKey}", $"--Sandbox:Apps:sibling:Domain={SiblingDomain}",
    ];
}
