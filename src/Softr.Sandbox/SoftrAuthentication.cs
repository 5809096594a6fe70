using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Softr.Sandbox;

/// <summary>
/// Checks <c>Softr-Api-Key</c> (and, for the Users API, <c>Softr-Domain</c>) the way Softr does: a
/// wrong key and a wrong domain both answer 401 <c>{"code":"UNAUTHORIZED"}</c>.
/// </summary>
public static class SoftrAuthentication
{
    public const string ApiKeyHeader = "Softr-Api-Key";
    public const string DomainHeader = "Softr-Domain";

    /// <summary>Endpoint filter for the Users API: key and domain.</summary>
    public static ValueTask<object?> RequireKeyAndDomain(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAuthenticated(context.HttpContext, requireDomain: true) ? next(context) : Unauthorized();

    private static bool IsAuthenticated(HttpContext httpContext, bool requireDomain)
    {
        var settings = httpContext.RequestServices.GetRequiredService<IOptionsMonitor<SandboxOptions>>().CurrentValue;
        var headers = httpContext.Request.Headers;
        var keyMatches = FixedTimeEquals(headers[ApiKeyHeader].ToString(), settings.ApiKey);
        var domainMatches = !requireDomain
            || string.Equals(headers[DomainHeader].ToString(), settings.Domain, StringComparison.OrdinalIgnoreCase);
        return keyMatches && domainMatches;
    }

    private static ValueTask<object?> Unauthorized() =>
        ValueTask.FromResult<object?>(Results.Json(
            new SoftrError("UNAUTHORIZED", null), SandboxJsonContext.Default.SoftrError, statusCode: StatusCodes.Status401Unauthorized));

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
