using Softr.Sandbox.Users;

namespace Softr.Sandbox;

/// <summary>
/// Not part of Softr: lets a person or a test see and reset what the sandbox holds. Needs no key,
/// because the sandbox only ever listens on localhost and holds nothing real.
/// </summary>
public static class SandboxInspection
{
    public const string BasePath = "/sandbox";

    public static IEndpointRouteBuilder MapSandboxInspection(this IEndpointRouteBuilder routes)
    {
        var sandbox = routes.MapGroup(BasePath);
        sandbox.MapGet("/users", (SandboxUsers users) => Results.Ok(users.All()));
        sandbox.MapGet("/users/{email}", (string email, SandboxUsers users) =>
            users.Find(email) is { } user ? Results.Ok(user) : Results.NotFound());
        sandbox.MapPost("/reset", (SandboxUsers users) =>
        {
            users.Clear();
            return Results.NoContent();
        });
        return routes;
    }
}
