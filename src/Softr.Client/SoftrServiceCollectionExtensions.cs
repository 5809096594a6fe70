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
    /// Registers <see cref="ISoftrUsersClient"/> and <see cref="ISoftrDatabaseClient"/> with options from
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

        services.AddHttpClient<ISoftrUsersClient, SoftrUsersClient>((provider, client) =>
                Configure(client, provider.GetRequiredService<IOptions<SoftrClientOptions>>().Value.UsersApiBaseUrl))
            .RemoveAllLoggers()
            .AddResilienceHandler("softr-users", ConfigurePipeline);

        services.AddHttpClient<ISoftrDatabaseClient, SoftrDatabaseClient>((provider, client) =>
                Configure(client, provider.GetRequiredService<IOptions<SoftrClientOptions>>().Value.DatabaseApiBaseUrl))
            .RemoveAllLoggers()
            .AddResilienceHandler("softr-database", ConfigurePipeline);

        return services;
    }

    private static void ConfigurePipeline(Polly.ResiliencePipelineBuilder<HttpResponseMessage> pipeline, Microsoft.Extensions.Http.Resilience.ResilienceHandlerContext context) =>
        SoftrResiliencePipeline.Configure(
            pipeline,
            context.ServiceProvider.GetRequiredService<IOptions<SoftrClientOptions>>().Value,
            context.ServiceProvider.GetRequiredService<SoftrRateLimiter>(),
            context.ServiceProvider.GetService<Random>());

    private static void Configure(HttpClient client, Uri baseUrl)
    {
        // HttpClient resolves "users" against the base URL's last segment unless the base ends with '/'.
        client.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        // The pipeline's total timeout governs; HttpClient's own 100 s would cut across it.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }
}
