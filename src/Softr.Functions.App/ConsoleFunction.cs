using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Softr.Functions.App;

/// <summary>
/// The operator console (issue #15), served by the function app itself so that it is the same in
/// Azure and under <c>./run.sh</c>: <c>GET /api/console</c> is the page, <c>GET /api/console/{asset}</c> its
/// script, style sheet and the chart library (uPlot, vendored from npm: nothing is loaded from anywhere
/// else). The page holds no data and no secret: it asks for the admin key, keeps it in the tab's session
/// storage only, and calls the admin API with it.
/// </summary>
public sealed class ConsoleFunction
{
    public const string Name = "Console";
    public const string AssetName = "ConsoleAsset";

    // Scripts and styles from this app only, no inline script, calls to this app only, never framed.
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // Each file is read from the assembly once, on its first request.
    private static readonly FrozenDictionary<string, (Lazy<string> Content, string ContentType)> Assets = new Dictionary<string, (Lazy<string>, string)>(StringComparer.Ordinal)
    {
        ["console.js"] = (new(() => Read("console.js")), "text/javascript; charset=utf-8"),
        ["console.css"] = (new(() => Read("console.css")), "text/css; charset=utf-8"),
        ["uPlot.iife.min.js"] = (new(() => Read("vendor.uPlot.iife.min.js")), "text/javascript; charset=utf-8"),
        ["uPlot.min.css"] = (new(() => Read("vendor.uPlot.min.css")), "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<string> Page = new(() => Read("console.html"));

    [Function(Name)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Serve(request, Page.Value, "text/html; charset=utf-8");
    }

    [Function(AssetName)]
    public IActionResult RunAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{asset}")] HttpRequest request, string asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Assets.TryGetValue(asset ?? "", out var found)
            ? Serve(request, found.Content.Value, found.ContentType)
            : new NotFoundResult();
    }

    /// <summary>The text of an embedded console file (<c>Console/</c> in the project).</summary>
    public static string Read(string resource)
    {
        using var stream = typeof(ConsoleFunction).Assembly.GetManifestResourceStream($"Softr.Functions.App.Console.{resource}")
            ?? throw new InvalidOperationException($"The console file '{resource}' is not embedded in the function app.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static ContentResult Serve(HttpRequest request, string content, string contentType)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return new ContentResult { Content = content, ContentType = contentType, StatusCode = StatusCodes.Status200OK };
    }
}
