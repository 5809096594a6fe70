using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
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

        // A pipeline per connection: each app has a circuit breaker of its own, so one portal whose Softr answers 5xx does not
        // fail the others fast. Budgets stay the token's (SoftrRateLimiter is one for all, keyed by token).
        services.AddHttpClient(SoftrClients.UsersClientName)
            .RemoveAllLoggers()
            .AddResilienceHandler("softr-users", ConfigurePipeline)
            .SelectPipelineBy(_ => ConnectionOf);
        services.AddHttpClient(SoftrClients.DatabaseClientName)
            .RemoveAllLoggers()
            .AddResilienceHandler("softr-database", ConfigurePipeline)
            .SelectPipelineBy(_ => ConnectionOf);

        // The default connection's clients, for code that serves one app.
        services.TryAddTransient(provider => provider.GetRequiredService<ISoftrClients>().Users());
        services.TryAddTransient(provider => provider.GetRequiredService<ISoftrClients>().Database());
        return services;
    }

    /// <summary>The connection a request goes out for (the default when it carries none): the key of its pipeline.</summary>
    private static string ConnectionOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(SoftrConnection.RequestOption, out var connection) ? connection.Name : SoftrConnection.DefaultName;

    private static void ConfigurePipeline(Polly.ResiliencePipelineBuilder<HttpResponseMessage> pipeline, Microsoft.Extensions.Http.Resilience.ResilienceHandlerContext context) =>
        SoftrResiliencePipeline.Configure(
            pipeline,
            context.ServiceProvider.GetRequiredService<IOptions<SoftrClientOptions>>().Value,
            context.ServiceProvider.GetRequiredService<SoftrRateLimiter>(),
            context.ServiceProvider.GetService<Random>());
}
