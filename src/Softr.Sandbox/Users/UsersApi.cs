using System.Text.Json;
using System.Text.Json.Nodes;
using Softr.Sandbox.Faults;

namespace Softr.Sandbox.Users;

/// <summary>
/// The Users Management API (<c>https://studio-api.softr.io/v1/api</c>), answering as the live
/// service was observed to (see docs/softr-openapi.yaml).
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(SoftrApi.UsersPrefix);
        api.MapPost("/users", CreateUserAsync).WithName("createUser");
        api.MapPost("/users/sync", SyncUsersAsync).WithName("syncUsers");
        api.MapPost("/users/magic-link/generate/{email}", GenerateMagicLink).WithName("generateMagicLink");
        api.MapDelete("/users/{email}", DeleteUser).WithName("deleteUser");
        api.MapPost("/users/{email}/activate", (HttpContext context, string email, SandboxUsers users) =>
            Change(context, email, users, user => user with { Status = SandboxUser.Active })).WithName("activateUser");
        api.MapPost("/users/{email}/deactivate", (HttpContext context, string email, SandboxUsers users) =>
            Change(context, email, users, user => user with { Status = SandboxUser.Inactive })).WithName("deactivateUser");
        api.MapPost("/users/{email}/invite", (HttpContext context, string email, SandboxUsers users) =>
            Change(context, email, users, user => user with { Status = SandboxUser.Invited, Invitations = user.Invitations + 1 })).WithName("inviteUser");
        return routes;
    }

    private static async Task<IResult> CreateUserAsync(HttpContext context, SandboxUsers users, SandboxQuotas quota)
    {
        var body = await ReadObjectAsync(context.Request);
        var fullName = body?["full_name"] is JsonValue name && name.TryGetValue(out string? fullNameText) ? fullNameText : null;
        var email = body?["email"] is JsonValue address && address.TryGetValue(out string? emailText) ? emailText : null;
        var withMagicLink = body?["generate_magic_link"] is JsonValue flag && flag.TryGetValue(out bool wanted) && wanted;

        // Softr gives the same unhelpful answer for any missing or empty field.
        if (string.IsNullOrWhiteSpace(fullName) || string.IsNullOrWhiteSpace(email))
        {
            return SoftrApi.Error(context, StatusCodes.Status400BadRequest, "Bad Request", "Something went wrong, please try again.");
        }
        // Softr (and the mail service behind its invitations) refuses addresses and names it cannot use, with the same answer.
        if (!SoftrUserRules.IsAcceptableEmail(email) || !SoftrUserRules.IsAcceptableFullName(fullName))
        {
            return SoftrApi.Error(context, StatusCodes.Status400BadRequest, "Bad Request", "Something went wrong, please try again.");
        }
        if (quota.Current.MaxUsers is { } cap && users.Find(email) is null && users.All().Count >= cap)
        {
            return SoftrApi.Error(context, StatusCodes.Status402PaymentRequired, "QUOTA_EXCEEDED", $"The plan's limit of {cap} users is reached.");
        }
        if (!users.TryAdd(fullName, email, withMagicLink, out var user))
        {
            // Observed on the live API: an existing email answers 404 with code "Bad Request" (sic).
            return SoftrApi.Error(context, StatusCodes.Status404NotFound, "Bad Request", $"User with email: {email} already exists");
        }
        return Results.Json(ToSoftr(user));
    }

    private static IResult DeleteUser(HttpContext context, string email, SandboxUsers users) =>
        users.Remove(email) ? Results.Ok() : NotFound(context, email);

    private static IResult GenerateMagicLink(HttpContext context, string email, SandboxUsers users, FaultInjector faults)
    {
        var link = SandboxUsers.NewMagicLink();
        if (users.Update(email, user => user with { MagicLink = link, MagicLinks = user.MagicLinks + 1 }) is null)
        {
            return NotFound(context, email);
        }
        return faults.MagicLinkAsText ? Results.Text(link, "text/plain") : Results.Json(new JsonObject { ["magic_link"] = link });
    }

    /// <summary>Accepts every body shape seen in the wild: none (everyone), a bare array, or <c>{"emails": [...]}</c>.</summary>
    private static async Task<IResult> SyncUsersAsync(HttpContext context, SandboxUsers users)
    {
        JsonNode? body;
        try
        {
            body = context.Request.ContentLength is 0 or null && !context.Request.Headers.ContainsKey("Transfer-Encoding")
                ? null
                : await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return SoftrApi.Error(context, StatusCodes.Status400BadRequest, "Bad Request", "Something went wrong, please try again.");
        }

        var emails = body switch
        {
            null => users.All().Select(user => user.Email),
            JsonArray array => Strings(array),
            JsonObject { } envelope when envelope["emails"] is JsonArray array => Strings(array),
            _ => null,
        };
        if (emails is null)
        {
            return SoftrApi.Error(context, StatusCodes.Status400BadRequest, "Bad Request", "Something went wrong, please try again.");
        }
        foreach (var email in emails.ToList())
        {
            users.Update(email, user => user with { Syncs = user.Syncs + 1 });
        }
        return Results.Ok();
    }

    private static IEnumerable<string> Strings(JsonArray array) =>
        array.Select(item => item is JsonValue value && value.TryGetValue(out string? text) ? text : null).OfType<string>();

    private static IResult Change(HttpContext context, string email, SandboxUsers users, Func<SandboxUser, SandboxUser> change) =>
        users.Update(email, change) is null ? NotFound(context, email) : Results.Ok();

    private static IResult NotFound(HttpContext context, string email) =>
        SoftrApi.Error(context, StatusCodes.Status404NotFound, "Not Found", $"User with email: {email} not found");

    /// <summary>The answer Softr gives: the user without the sandbox's own counters.</summary>
    private static JsonObject ToSoftr(SandboxUser user) => new()
    {
        ["full_name"] = user.FullName,
        ["email"] = user.Email,
        ["status"] = user.Status,
        ["magic_link"] = user.MagicLink,
        ["created"] = user.Created,
        ["updated"] = user.Updated,
    };

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
