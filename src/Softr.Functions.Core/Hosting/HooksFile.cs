using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Softr.Functions.Hosting;

/// <summary>
/// <c>hooks.json</c>, shipped beside host.json, defines the hooks. It is added at the lowest precedence,
/// so that app settings (<c>Webhooks__Hooks__{name}__...</c>) override anything in it.
/// </summary>
public static class HooksFile
{
    public const string FileName = "hooks.json";

    public static IConfigurationBuilder AddHooksFile(this IConfigurationBuilder configuration, string directory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = FileName,
            Optional = false,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(directory),
        });
        return configuration;
    }
}
