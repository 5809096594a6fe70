using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Softr.Functions.Tests;

/// <summary>The app's core services over in-memory settings, as both hosts compose them, for tests of start-up validation.</summary>
internal static class CoreServices
{
    public static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSoftrFunctionsCore()
            .BuildServiceProvider();
    }
}
