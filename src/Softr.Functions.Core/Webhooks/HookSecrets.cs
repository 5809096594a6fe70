using Microsoft.Extensions.Configuration;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Reads a hook's secrets from the app settings its definition names. Read on every delivery, so a
/// rotated secret (a changed Key Vault reference, a new app setting) takes effect without a restart
/// wherever the configuration reloads.
/// </summary>
public sealed class HookSecrets(IConfiguration configuration)
{
    public IReadOnlyList<string> For(HookDefinition hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return [.. hook.SecretSettings.Select(setting => configuration[setting]).OfType<string>().Where(secret => secret.Length > 0)];
    }

    public bool IsSet(string setting) => !string.IsNullOrEmpty(configuration[setting]);
}
