using System.Text.Json;

namespace Softr.Sandbox.Users;

/// <summary>
/// The Users Management API (<c>https://studio-api.softr.io/v1/api</c>), answering as the live
/// service was observed to (see docs/softr-openapi.yaml and the Softr reference notes).
/// </summary>
public static class UsersApi
{
    public const string BasePath = "/v1/api";

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(BasePath).AddEndpointFilter(SoftrAuthentication.RequireKeyAndDomain);

        api.MapPost("/users", CreateUserAsync);
        return routes;
    }

    private static async Task<IResult> CreateUserAsync(HttpRequest request, SandboxUsers users)
    {
        CreateUserBody? body;
        try
        {
            body = await request.ReadFromJsonAsync(SandboxJsonContext.Default.CreateUserBody, request.HttpContext.RequestAborted);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            body = null;
        }

        // Softr gives the same unhelpful answer for any missing or empty field.
        if (string.IsNullOrWhiteSpace(body?.FullName) || string.IsNullOrWhiteSpace(body.Email))
        {
            return SoftrErrorResult(StatusCodes.Status400BadRequest, "Bad Request", "Something went wrong, please try again.");
        }

        if (!users.TryAdd(body.FullName, body.Email, body.GenerateMagicLink == true, out var user))
        {
            // Observed on the live API: an existing email answers 404 with code "Bad Request" (sic).
            return SoftrErrorResult(StatusCodes.Status404NotFound, "Bad Request", $"User with email: {body.Email} already exists");
        }
        return Results.Json(user, SandboxJsonContext.Default.SandboxUser);
    }

    private static IResult SoftrErrorResult(int status, string code, string message) =>
        Results.Json(new SoftrError(code, message), SandboxJsonContext.Default.SoftrError, statusCode: status);
}
