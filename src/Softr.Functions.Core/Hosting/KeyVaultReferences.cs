namespace Softr.Functions.Hosting;

/// <summary>
/// App Service's Key Vault references (<c>@Microsoft.KeyVault(VaultName=...;SecretName=...)</c>). When
/// App Service cannot resolve one (the identity lost its role, the vault is unreachable, the secret was
/// renamed), the app still starts and the setting holds the reference's own text. That text is no
/// secret: the vault is named after the app and the secret names are in hooks.json and the runbook. A
/// secret-bearing setting that holds it counts as unset.
/// </summary>
public static class KeyVaultReferences
{
    public const string Prefix = "@Microsoft.KeyVault(";

    /// <summary>Whether <paramref name="value"/> is a Key Vault reference App Service left unresolved.</summary>
    public static bool IsUnresolved(string? value) =>
        value is not null && value.AsSpan().TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
}
