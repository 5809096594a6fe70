using System.Text.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.AspNetCore.Diagnostics;
using Softr.Sandbox.Users;

namespace Softr.Sandbox;

/// <summary>
/// Builds the sandbox. Public so that tests can host it in-process on a free port with the same
/// wiring as <c>dotnet run</c>.
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
        builder.Services.AddSingleton<SandboxUsers>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.WriteIndented = true);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseStatusCodePages(WriteSoftrStatusBody);
        app.MapUsersApi();
        app.MapSandboxInspection();
        return app;
    }

    /// <summary>
    /// Softr answers routing failures with a JSON <c>code</c>; ASP.NET Core's own 404/405 have no
    /// body. Match Softr so clients see the same thing here and there.
    /// </summary>
    private static async Task WriteSoftrStatusBody(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        var code = response.StatusCode switch
        {
            StatusCodes.Status405MethodNotAllowed => "Method Not Allowed",
            StatusCodes.Status404NotFound => "Not Found",
            _ => null,
        };
        if (code is not null)
        {
            response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(response.Body, new SoftrError(code, null), SandboxJsonContext.Default.SoftrError);
        }
    }
}
