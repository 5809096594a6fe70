using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Softr.Functions.Storage;

/// <summary>
/// Where the storage account is and how to reach it, read the way the Functions host reads
/// <c>AzureWebJobsStorage</c>: a connection string (locally, Azurite), or, in Azure, an identity-based
/// connection (<c>AzureWebJobsStorage__accountName</c>, <c>__credential=managedidentity</c>,
/// <c>__clientId</c> for a user-assigned identity), with shared keys off on the account.
/// </summary>
public sealed record StorageConnection(string? ConnectionString, string? AccountName, TokenCredential? Credential)
{
    /// <summary>A service client: from the connection string, or from the service's URI and the identity.</summary>
    public T Create<T>(string service, Func<string, T> fromConnectionString, Func<Uri, TokenCredential, T> fromIdentity)
    {
        ArgumentNullException.ThrowIfNull(fromConnectionString);
        ArgumentNullException.ThrowIfNull(fromIdentity);
        return ConnectionString is { } text
            ? fromConnectionString(text)
            : fromIdentity(new Uri($"https://{AccountName}.{service}.core.windows.net"), Credential!);
    }

    public static StorageConnection From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(StorageSettings.ConnectionName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new StorageConnection(section.Value, null, null);
        }
        var account = section["accountName"];
        if (string.IsNullOrWhiteSpace(account))
        {
            throw new InvalidOperationException(
                $"The storage connection '{StorageSettings.ConnectionName}' is not set: give a connection string (locally 'UseDevelopmentStorage=true', Azurite) " +
                $"or an identity-based connection ({StorageSettings.ConnectionName}__accountName, __credential=managedidentity, __clientId).");
        }
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrWhiteSpace(section["clientId"]) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(section["clientId"]))
            : new DefaultAzureCredential();
        return new StorageConnection(null, account, credential);
    }
}
