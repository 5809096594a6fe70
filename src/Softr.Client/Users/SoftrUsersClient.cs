using System.Net;
using System.Text.Json;
using Softr.Http;

namespace Softr.Users;

/// <summary>
/// Typed client for the Users Management API. Rate limiting, retries and timeouts are declared where
/// the client is registered (<see cref="SoftrServiceCollectionExtensions"/>); this class handles what
/// Softr says.
/// </summary>
public sealed class SoftrUsersClient(HttpClient httpClient, SoftrConnection connection) : ISoftrUsersClient
{
    /// <inheritdoc />
    public async Task<CreateUserResult> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operation = SoftrOperation.CreateUser;

        using var message = Request(HttpMethod.Post, "users", operation, SoftrHttp.Json(request, SoftrJsonContext.Default.CreateUserRequest));
        using var response = await SoftrHttp.SendAsync(httpClient, message, operation, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            var user = await SoftrHttp.ReadAsync(response, SoftrJsonContext.Default.SoftrUser, operation, cancellationToken).ConfigureAwait(false);
            return CreateUserResult.Created(user);
        }

        var error = await SoftrHttp.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (IsExistingUser(response.StatusCode, error))
        {
            return CreateUserResult.AlreadyExists();
        }
        throw SoftrHttp.ToException(response, error, operation);
    }

    /// <inheritdoc />
    public async Task<DeleteUserOutcome> DeleteUserAsync(string email, CancellationToken cancellationToken = default)
    {
        var operation = SoftrOperation.DeleteUser;
        using var message = Request(HttpMethod.Delete, $"users/{EscapeEmail(email)}", operation);
        using var response = await SoftrHttp.SendAsync(httpClient, message, operation, cancellationToken).ConfigureAwait(false);

        // A retried delete whose first attempt did succeed also lands here: the user is gone either way.
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return DeleteUserOutcome.NotFound;
        }
        await SoftrHttp.EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
        return DeleteUserOutcome.Deleted;
    }

    /// <inheritdoc />
    public Task ActivateUserAsync(string email, CancellationToken cancellationToken = default) =>
        PostAsync($"users/{EscapeEmail(email)}/activate", SoftrOperation.ActivateUser, cancellationToken);

    /// <inheritdoc />
    public Task DeactivateUserAsync(string email, CancellationToken cancellationToken = default) =>
        PostAsync($"users/{EscapeEmail(email)}/deactivate", SoftrOperation.DeactivateUser, cancellationToken);

    /// <inheritdoc />
    public Task InviteUserAsync(string email, CancellationToken cancellationToken = default) =>
        PostAsync($"users/{EscapeEmail(email)}/invite", SoftrOperation.InviteUser, cancellationToken);

    /// <inheritdoc />
    public async Task<Uri> GenerateMagicLinkAsync(string email, CancellationToken cancellationToken = default)
    {
        var operation = SoftrOperation.GenerateMagicLink;
        using var message = Request(HttpMethod.Post, $"users/magic-link/generate/{EscapeEmail(email)}", operation);
        using var response = await SoftrHttp.SendAsync(httpClient, message, operation, cancellationToken).ConfigureAwait(false);
        await SoftrHttp.EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return ParseMagicLink(body)
            ?? throw new SoftrApiException(response.StatusCode, null, "the response held no magic link", operation);
    }

    /// <inheritdoc />
    public async Task SyncUsersAsync(IReadOnlyList<string>? emails = null, CancellationToken cancellationToken = default)
    {
        var operation = SoftrOperation.SyncUsers;
        var content = emails is null ? null : SoftrHttp.Json(new SyncUsersRequest(emails), SoftrJsonContext.Default.SyncUsersRequest);
        using var message = Request(HttpMethod.Post, "users/sync", operation, content);
        using var response = await SoftrHttp.SendAsync(httpClient, message, operation, cancellationToken).ConfigureAwait(false);
        await SoftrHttp.EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Softr answers a create for a known email with 404 and <c>{"code":"Bad Request"}</c> (sic); other
    /// clients report 409. A bare 404 without that body (a wrong base URL, a proxy) is not taken as
    /// "exists": treating it so would mark events done while nothing was created.
    /// </summary>
    internal static bool IsExistingUser(HttpStatusCode status, SoftrErrorBody? error) => status switch
    {
        HttpStatusCode.Conflict => true,
        HttpStatusCode.NotFound => error is not null
            && (string.Equals(error.Code, "Bad Request", StringComparison.OrdinalIgnoreCase)
                || (error.Message?.Contains("exist", StringComparison.OrdinalIgnoreCase) ?? false)),
        _ => false,
    };

    /// <summary>The seed documents <c>{"magic_link": "..."}</c>; some clients see the bare URL as text. Both are read.</summary>
    internal static Uri? ParseMagicLink(string body)
    {
        var text = body.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                text = JsonSerializer.Deserialize(text, SoftrJsonContext.Default.MagicLinkResponse)?.MagicLink ?? "";
            }
            catch (JsonException)
            {
                return null;
            }
        }
        else
        {
            text = text.Trim('"');
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var link) && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp)
            ? link
            : null;
    }

    /// <summary>Emails go in the path: <c>a+b@x.co</c> must travel as <c>a%2Bb%40x.co</c>.</summary>
    internal static string EscapeEmail(string email)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        return Uri.EscapeDataString(email.Trim());
    }

    private async Task PostAsync(string path, SoftrOperation operation, CancellationToken cancellationToken)
    {
        using var message = Request(HttpMethod.Post, path, operation);
        using var response = await SoftrHttp.SendAsync(httpClient, message, operation, cancellationToken).ConfigureAwait(false);
        await SoftrHttp.EnsureSuccessAsync(response, operation, cancellationToken).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, SoftrOperation operation, HttpContent? content = null)
    {
        var message = SoftrHttp.Request(method, path, operation, content);
        message.Options.Set(SoftrConnection.RequestOption, connection);
        message.Headers.Add(SoftrHeaders.ApiKey, connection.ApiKey);
        message.Headers.Add(SoftrHeaders.Domain, connection.Domain);
        return message;
    }
}
