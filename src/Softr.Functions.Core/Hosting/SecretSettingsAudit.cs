using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Softr.Functions.Webhooks;

namespace Softr.Functions.Hosting;

/// <summary>
/// The secret-bearing settings (every hook's <c>SecretSettings</c>, and each Softr connection's key: <c>Softr:ApiKey</c>,
/// <c>Softr:Connections:{name}:ApiKey</c>) that hold a Key Vault reference App Service could not resolve. Such a setting
/// counts as unset: its hook refuses every delivery, and processing sends nothing to Softr with it (the events of that
/// connection wait; the others go on); health names it, and the start logs it.
/// </summary>
public sealed class SecretSettingsAudit(IConfiguration configuration, IOptionsMonitor<WebhooksOptions> hooks, SoftrConnections connections)
{
    public const string SoftrApiKeySetting = "Softr:ApiKey";

    /// <summary>The names of the settings holding an unresolved reference, each once, in a stable order (never their values).</summary>
    public IReadOnlyList<string> Unresolved() =>
    [
        .. hooks.CurrentValue.Hooks.Values.SelectMany(hook => hook.SecretSettings)
            .Append(SoftrApiKeySetting)
            .Concat(connections.All.Select(connection => connection.ApiKeySetting))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(setting => KeyVaultReferences.IsUnresolved(configuration[setting]))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Whether the default connection's key holds an unresolved reference: no Softr call can be made with it.</summary>
    public bool SoftrApiKeyUnresolved => UnresolvedSoftrKeyOf(SoftrConnection.DefaultName) is not null;

    /// <summary>The setting of <paramref name="connection"/>'s key when it holds an unresolved reference (nothing can be sent with it); else null.</summary>
    public string? UnresolvedSoftrKeyOf(string connection) =>
        connections.TryGet(connection, out var resolved) && KeyVaultReferences.IsUnresolved(resolved.ApiKey) ? resolved.ApiKeySetting : null;
}
