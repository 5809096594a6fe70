using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Softr.Functions.App;

/// <summary>
/// <c>GET /api/console</c>: the operator console, one page served by the function app itself (issue
/// #15). The page holds no data and no secret: it asks for the admin key, keeps it in the tab's session
/// storage only, and calls the admin API with it.
/// </summary>
public sealed class ConsoleFunction
{
    public const string Name = "Console";

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(ConsoleFunction).Assembly.GetManifestResourceStream("Softr.Functions.App.Console.console.html")
            ?? throw new InvalidOperationException("The console page is not embedded in the function app.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    [Function(Name)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        // No script or style from anywhere else, and the page may not be framed.
        request.HttpContext.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        return new ContentResult { Content = Page.Value, ContentType = "text/html; charset=utf-8", StatusCode = StatusCodes.Status200OK };
    }
}
