using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Storage;

namespace Softr.Functions.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>The vault whose secret wraps the Data Protection keys (the Bicep sets it); unset locally.</summary>
    public const string KeyVaultUriSetting = "DataProtection:KeyVaultUri";

    /// <summary>The secret's name in that vault.</summary>
    public const string KeyVaultSecretSetting = "DataProtection:KeyVaultSecretName";

    public const string DefaultSecretName = "dataprotection-kek";

    /// <summary>
    /// Data Protection with its key ring in the app's blob storage (<see cref="ContainerNames.DataProtection"/>),
    /// shared by every instance, and the step-result encryption built on it.
    /// </summary>
    public static IServiceCollection AddSoftrPrivacy(this IServiceCollection services)
    {
        // One application name for every host (the function app, the local host, the test hosts): they read each other's ciphertexts.
        services.AddDataProtection().SetApplicationName("Softr.Functions");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new BlobXmlRepository(provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(ContainerNames.DataProtection));
            // In Azure the keys are wrapped by Key Vault; locally (no vault) the ring is a local one, in Azurite.
            var configuration = provider.GetRequiredService<IConfiguration>();
            if (configuration[KeyVaultUriSetting] is { Length: > 0 } vault)
            {
                var credential = provider.GetRequiredService<StorageConnection>().Credential ?? new DefaultAzureCredential();
                var secret = configuration[KeyVaultSecretSetting] is { Length: > 0 } name ? name : DefaultSecretName;
                options.XmlEncryptor = new KeyVaultKeyWrapping.Encryptor(new KeyVaultKeyWrapping(new SecretClient(new Uri(vault), credential), secret));
            }
        }));
        services.AddSingleton<StepSecrets>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<RetentionSweeper>();
        services.AddSingleton<PersonIndex>();
        // Transient: it holds the typed Softr users client (for "softr": true), whose handlers the HTTP client factory rotates.
        services.AddTransient<PersonEraser>();
        return services;
    }
}
