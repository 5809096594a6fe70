using Scalar.AspNetCore;

namespace Softr.Functions.LocalHost;

/// <summary>
/// This project's own API described (docs/openapi.yaml, compiled in) at <c>/api/openapi.yaml</c>, and its
/// reference, Scalar, at <c>/api/docs</c>. Local host only: the function app in Azure serves its
/// functions and nothing else. Scalar's script is served from its package, and everything of Scalar's
/// that would call its servers is off: the page works on a machine that reaches nothing.
/// </summary>
public static class ApiReference
{
    public const string DocumentFile = "openapi.yaml";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(ApiReference).Assembly.GetManifestResourceStream(DocumentFile)
            ?? throw new InvalidOperationException($"{DocumentFile} is not compiled into {typeof(ApiReference).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static WebApplication MapApiReference(this WebApplication app, string routePrefix)
    {
        var prefix = string.IsNullOrEmpty(routePrefix) ? "" : "/" + routePrefix.Trim('/');
        var documentPath = $"{prefix}/{DocumentFile}";
        app.MapGet(documentPath, () => Results.Bytes(Document.Value, "application/yaml; charset=utf-8")).ExcludeFromDescription();
        app.MapScalarApiReference($"{prefix}/docs", options => options
            .WithTitle("Softr.Functions API")
            .WithOpenApiRoutePattern(documentPath)
            .AddPreferredSecuritySchemes(["masterKey"])
            .ExpandAllTags()
            // Nothing that calls Scalar's own services: its CDN fonts, telemetry, AI chat (which would send
            // the document there), MCP, and the toolbar that links to its hosted products.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools());
        return app;
    }
}
