using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Softr.Users;

/// <summary>
/// Typed client for the Users Management API. Resilience (retries, timeouts) is declared where the
/// client is registered, in <see cref="SoftrServiceCollectionExtensions"/>, not here.
/// </summary>
public sealed class SoftrUsersClient(HttpClient httpClient, IOptions<SoftrClientOptions> options) : ISoftrUsersClient
{
    private const string CreateUserOperation = "createUser";

    public async Task<CreateUserResult> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        using var message = new HttpRequestMessage(HttpMethod.Post, "users")
        {
            Content = JsonContent.Create(request, SoftrJsonContext.Default.CreateUserRequest),
        };
        AddAuthentication(message);

        using var response = await httpClient.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            var user = await response.Content.ReadFromJsonAsync(SoftrJsonContext.Default.SoftrUser, cancellationToken).ConfigureAwait(false)
                ?? new SoftrUser(request.FullName, request.Email);
            return CreateUserResult.Created(user);
        }

        var error = await SoftrErrors.ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (IsExistingUser(response.StatusCode, error))
        {
            return CreateUserResult.AlreadyExists();
        }
        throw SoftrErrors.ToException(response.StatusCode, error, CreateUserOperation);
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

    private void AddAuthentication(HttpRequestMessage message)
    {
        var settings = options.Value;
        message.Headers.Add(SoftrHeaders.ApiKey, settings.ApiKey);
        message.Headers.Add(SoftrHeaders.Domain, SoftrDomain.Normalize(settings.Domain));
    }
}
