using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Functions.Storage;

namespace Softr.Functions.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// Data Protection with its key ring in the app's blob storage (<see cref="ContainerNames.DataProtection"/>),
    /// shared by every instance, and the step-result encryption built on it.
    /// </summary>
    public static IServiceCollection AddSoftrPrivacy(this IServiceCollection services)
    {
        // One application name for every host (the function app, the local host, the test hosts): they read each other's ciphertexts.
        services.AddDataProtection().SetApplicationName("Softr.Functions");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new BlobXmlRepository(provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(ContainerNames.DataProtection))));
        services.AddSingleton<StepSecrets>();
        return services;
    }
}
