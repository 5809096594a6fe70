namespace Softr.Sandbox;

/// <summary>
/// Checks <c>Softr-Api-Key</c> on both APIs and <c>Softr-Domain</c> on the Users API, the way Softr
/// does: a wrong key, a wrong domain, and a token used against another app's domain all answer 401
/// <c>{"code":"UNAUTHORIZED"}</c> (<see cref="SandboxApps.Authenticates"/>).
/// </summary>
public sealed class SoftrAuthentication(RequestDelegate next, SandboxApps apps)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (SoftrApi.IsApi(request.Path) && !IsAuthenticated(request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await Results.Json(new { code = "UNAUTHORIZED" }, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private bool IsAuthenticated(HttpRequest request) =>
        apps.Authenticates(request.Headers[SoftrApi.ApiKeyHeader].ToString(),
            SoftrApi.IsUsersApi(request.Path) ? request.Headers[SoftrApi.DomainHeader].ToString() : null);
}
