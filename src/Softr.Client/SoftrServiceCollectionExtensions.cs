using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Softr.Users;

namespace Softr;

public static class SoftrServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Softr clients with options from the <c>Softr</c> section, validated at start-up
    /// so that a missing key or domain stops the app with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddSoftrClient(this IServiceCollection services)
    {
        services.AddOptions<SoftrClientOptions>()
            .BindConfiguration(SoftrClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddHttpClient<ISoftrUsersClient, SoftrUsersClient>((provider, client) =>
            {
                client.BaseAddress = WithTrailingSlash(provider.GetRequiredService<IOptions<SoftrClientOptions>>().Value.UsersApiBaseUrl);
            })
            // The standard pipeline: total and per-attempt timeouts, jittered exponential retries on
            // 408/429/5xx and transport errors, and a circuit breaker. Retrying createUser is safe in
            // effect: a create that did happen answers "already exists" on the retry, which the client
            // turns into CreateUserOutcome.AlreadyExists.
            .AddStandardResilienceHandler();

        return services;
    }

    // HttpClient resolves "users" against the base URL's last segment unless the base ends with '/'.
    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
