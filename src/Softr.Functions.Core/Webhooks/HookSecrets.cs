using Microsoft.Extensions.Configuration;
using Softr.Functions.Hosting;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Reads a hook's secrets from the app settings its definition names. Read on every delivery, so a
/// rotated secret (a changed Key Vault reference, a new app setting) takes effect without a restart
/// wherever the configuration reloads. A setting that holds an unresolved Key Vault reference is no
/// secret (<see cref="KeyVaultReferences"/>): it counts as unset, and a hook left without a usable
/// secret refuses every delivery.
/// </summary>
public sealed class HookSecrets(IConfiguration configuration)
{
    /// <summary>
    /// The local run's documented secret for its <c>signup</c> hook. Anyone who has read the README knows
    /// it, so it is refused once the app talks to a Softr that is not the sandbox.
    /// </summary>
    public const string DemoSecret = "local-dev-secret-change-me";

    /// <summary>The sandbox's API key: while <c>Softr:ApiKey</c> is this, the app talks to the sandbox, and the demo secret is harmless.</summary>
    public const string SandboxApiKey = "sandbox-api-key";

    /// <summary>The secrets a delivery may match: the settings' values, without empty ones and unresolved Key Vault references.</summary>
    public IReadOnlyList<string> For(HookDefinition hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return [.. hook.SecretSettings.Select(setting => configuration[setting]).OfType<string>().Where(IsUsable)];
    }

    /// <summary>Whether the setting holds anything at all (an unresolved Key Vault reference too: the app starts, and says so).</summary>
    public bool IsConfigured(string setting) => !string.IsNullOrEmpty(configuration[setting]);

    /// <summary>Whether the setting holds a Key Vault reference App Service could not resolve.</summary>
    public bool IsUnresolved(string setting) => KeyVaultReferences.IsUnresolved(configuration[setting]);

    /// <summary>Whether the setting holds the documented demo secret while the app talks to a real Softr.</summary>
    public bool IsDemoSecretWithRealSoftr(string setting) =>
        configuration[setting] == DemoSecret && configuration["Softr:ApiKey"] is { Length: > 0 } apiKey && apiKey != SandboxApiKey;

    private static bool IsUsable(string secret) => secret.Length > 0 && !KeyVaultReferences.IsUnresolved(secret);
}
