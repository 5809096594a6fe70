namespace Softr.Sandbox;

/// <summary>The two Softr hosts, served on one port under their own path prefixes.</summary>
public static class SoftrApi
{
    /// <summary>Users Management API (<c>https://studio-api.softr.io/v1/api</c>).</summary>
    public const string UsersPrefix = "/v1/api";

    /// <summary>Database API (<c>https://tables-api.softr.io/api/v1</c>).</summary>
    public const string DatabasePrefix = "/api/v1";

    public const string ApiKeyHeader = "Softr-Api-Key";
    public const string DomainHeader = "Softr-Domain";

    public static bool IsUsersApi(PathString path) => path.StartsWithSegments(UsersPrefix, StringComparison.OrdinalIgnoreCase);

    public static bool IsDatabaseApi(PathString path) => path.StartsWithSegments(DatabasePrefix, StringComparison.OrdinalIgnoreCase);

    public static bool IsApi(PathString path) => IsUsersApi(path) || IsDatabaseApi(path);

    /// <summary>Softr counts GET and search as reads, everything else as writes.</summary>
    public static bool IsRead(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || request.Path.Value?.EndsWith("/search", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// An error in the shape of the host it comes from: <c>{code, message}</c> on the Users API,
    /// <c>{message, errorCode}</c> on the Database API.
    /// </summary>
    public static IResult Error(HttpContext context, int status, string code, string? message)
    {
        var body = new System.Text.Json.Nodes.JsonObject();
        if (IsDatabaseApi(context.Request.Path))
        {
            body["message"] = message ?? code;
            body["errorCode"] = code;
        }
        else
        {
            body["code"] = code;
            if (message is not null)
            {
                body["message"] = message;
            }
        }
        return Results.Json(body, statusCode: status);
    }
}
