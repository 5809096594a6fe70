namespace Softr.Sandbox;

/// <summary>The one Softr token and app domain the sandbox accepts.</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    public string ApiKey { get; set; } = "sandbox-api-key";

    public string Domain { get; set; } = "demo.softr.app";
}
