using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Softr.Functions.Hosting;

/// <summary>
/// Settings a local process runs on when nothing else is configured. They are compiled into the
/// assembly (from its <c>defaults.json</c>) and added as the lowest-precedence source, so that
/// appsettings, environment variables and the command line all override them, and so that two apps
/// hosted in one test process cannot pick up each other's file.
/// </summary>
public static class EmbeddedDefaults
{
    public const string ResourceName = "defaults.json";

    public static IConfigurationBuilder AddEmbeddedDefaults(this IConfigurationBuilder configuration, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(assembly);

        var resource = assembly.GetManifestResourceNames().SingleOrDefault(name => name.EndsWith(ResourceName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} embeds no {ResourceName}.");

        // Flattened once into memory: a configuration manager re-reads its sources whenever one is
        // added, and a stream can be read only once.
        using var stream = assembly.GetManifestResourceStream(resource)!;
        var settings = new ConfigurationBuilder().AddJsonStream(stream).Build().AsEnumerable().ToList();
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = settings });
        return configuration;
    }
}
