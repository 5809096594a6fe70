using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Configuration.Memory;
using Softr.Sandbox.Calls;
using Softr.Sandbox.Database;
using Softr.Sandbox.Faults;
using Softr.Sandbox.Users;

namespace Softr.Sandbox;

/// <summary>
/// Builds the sandbox: both Softr APIs on one port, behind what Softr puts in front of them (auth and
/// per-token rate limits), plus fault injection and call counting for tests. Public so that tests can
/// host it in-process with the same wiring as <c>dotnet run</c>.
/// </summary>
public static class SandboxApp
{
    /// <summary>Where the sandbox listens unless told otherwise (<c>--urls</c>, <c>ASPNETCORE_URLS</c>).</summary>
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(SandboxApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Lowest precedence: anything configured by the user wins. The key and domain defaults live in SandboxOptions.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData =
            [
                new("Urls", DefaultUrl),
                new("Logging:LogLevel:Default", "Information"),
                new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
            ],
        });
        builder.Services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SandboxApps>();
        // Per request: the users of the app the request's domain names, and the databases of the token it sends, as sent
        // (the authentication in front has checked the pair; inspection reads SandboxApps itself).
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(provider => provider.GetRequiredService<SandboxApps>().UsersOf(HeaderOf(provider, SoftrApi.DomainHeader)));
        builder.Services.AddScoped(provider => provider.GetRequiredService<SandboxApps>().DatabasesOf(HeaderOf(provider, SoftrApi.ApiKeyHeader)));
        builder.Services.AddSingleton<SandboxSeed>();
        builder.Services.AddSingleton<SoftrRateLimits>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<SandboxQuotas>();
        builder.Services.AddSingleton<CallLog>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.WriteIndented = true);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.GetRequiredService<SandboxSeed>().Load();

        app.UseStatusCodePages(WriteSoftrStatusBody);
        app.UseRouting();
        app.UseMiddleware<CallLogMiddleware>();
        app.UseMiddleware<FaultMiddleware>();
        app.UseMiddleware<SoftrAuthentication>();
        app.UseMiddleware<SoftrRateLimitMiddleware>();
        app.MapUsersApi();
        app.MapDatabaseApi();
        app.MapSandboxInspection();
        return app;
    }

    private static string HeaderOf(IServiceProvider provider, string header) =>
        provider.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers[header].ToString() ?? "";

    /// <summary>
    /// Softr answers routing failures with a JSON body; ASP.NET Core's own 404/405 have none. Match
    /// Softr so clients see the same thing here and there.
    /// </summary>
    private static async Task WriteSoftrStatusBody(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var code = http.Response.StatusCode switch
        {
            StatusCodes.Status405MethodNotAllowed => "Method Not Allowed",
            StatusCodes.Status404NotFound => "Not Found",
            _ => null,
        };
        if (code is not null && SoftrApi.IsApi(http.Request.Path))
        {
            await SoftrApi.Error(http, http.Response.StatusCode, code, null).ExecuteAsync(http);
        }
    }
}
