using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Softr.Database;
using Softr.Resilience;
using Softr.Users;

namespace Softr;

/// <summary>Registers the Softr clients with dependency injection.</summary>
public static class SoftrServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISoftrClients"/> (each connection's clients; see <see cref="SoftrConnections"/>), and
    /// <see cref="ISoftrUsersClient"/> and <see cref="ISoftrDatabaseClient"/> for the default connection, with options from
    /// the <c>Softr</c> section, validated at start-up so that a missing key or domain stops the app with
    /// a message naming the setting, and with the pipeline described in <see cref="SoftrResiliencePipeline"/>.
    /// The HTTP client factory's request logging is removed: Softr's Users API puts emails in its URLs
    /// (<c>/users/{email}/invite</c>), and a log line per call would spread them into every log sink.
    /// </summary>
    public static IServiceCollection AddSoftrClient(this IServiceCollection services)
    {
        services.AddOptions<SoftrClientOptions>()
            .BindConfiguration(SoftrClientOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SoftrClientOptions>, SoftrClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SoftrRateLimiter>();
        services.TryAddSingleton<SoftrConnections>();
        services.TryAddSingleton<ISoftrClients, SoftrClients>();

        services.AddHttpClient(SoftrClients.UsersClientName)
            .RemoveAllLoggers()
            .AddResilienceHandler("softr-users", ConfigurePipeline);
        services.AddHttpClient(SoftrClients.DatabaseClientName)
            .RemoveAllLoggers()
            .AddResilienceHandler("softr-database", ConfigurePipeline);

        // The default connection's clients, for code that serves one app.
        services.TryAddTransient(provider => provider.GetRequiredService<ISoftrClients>().Users());
        services.TryAddTransient(provider => provider.GetRequiredService<ISoftrClients>().Database());
        return services;
    }

    private static void ConfigurePipeline(Polly.ResiliencePipelineBuilder<HttpResponseMessage> pipeline, Microsoft.Extensions.Http.Resilience.ResilienceHandlerContext context) =>
        SoftrResiliencePipeline.Configure(
            pipeline,
            context.ServiceProvider.GetRequiredService<IOptions<SoftrClientOptions>>().Value,
            context.ServiceProvider.GetRequiredService<SoftrRateLimiter>(),
            context.ServiceProvider.GetService<Random>());
}
