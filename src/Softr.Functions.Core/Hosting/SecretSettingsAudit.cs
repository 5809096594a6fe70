using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Hosting;

/// <summary>
/// The secret-bearing settings (every hook's <c>SecretSettings</c>, and <c>Softr:ApiKey</c>) that hold
/// a Key Vault reference App Service could not resolve. Such a setting counts as unset: its hook refuses
/// every delivery and processing sends nothing to Softr with it; health names it, and the start logs it.
/// </summary>
public sealed class SecretSettingsAudit(IConfiguration configuration, IOptionsMonitor<WebhooksOptions> hooks)
{
    public const string SoftrApiKeySetting = "Softr:ApiKey";

    /// <summary>The names of the settings holding an unresolved reference, each once, in a stable order (never their values).</summary>
    public IReadOnlyList<string> Unresolved() =>
    [
        .. hooks.CurrentValue.Hooks.Values.SelectMany(hook => hook.SecretSettings).Append(SoftrApiKeySetting)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(setting => KeyVaultReferences.IsUnresolved(configuration[setting]))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Whether <c>Softr:ApiKey</c> holds an unresolved reference: no Softr call can be made with it.</summary>
    public bool SoftrApiKeyUnresolved => KeyVaultReferences.IsUnresolved(configuration[SoftrApiKeySetting]);
}
