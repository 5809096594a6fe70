using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Softr.Sandbox;

/// <summary>
/// Checks <c>Softr-Api-Key</c> on both APIs and <c>Softr-Domain</c> on the Users API, the way Softr
/// does: a wrong key and a wrong domain both answer 401 <c>{"code":"UNAUTHORIZED"}</c>.
/// </summary>
public sealed class SoftrAuthentication(RequestDelegate next, IOptionsMonitor<SandboxOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (SoftrApi.IsApi(request.Path) && !IsAuthenticated(request, options.CurrentValue))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await Results.Json(new { code = "UNAUTHORIZED" }, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool IsAuthenticated(HttpRequest request, SandboxOptions settings)
    {
        var keyMatches = FixedTimeEquals(request.Headers[SoftrApi.ApiKeyHeader].ToString(), settings.ApiKey);
        var domainMatches = !SoftrApi.IsUsersApi(request.Path)
            || string.Equals(request.Headers[SoftrApi.DomainHeader].ToString(), settings.Domain, StringComparison.OrdinalIgnoreCase);
        return keyMatches && domainMatches;
    }

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
