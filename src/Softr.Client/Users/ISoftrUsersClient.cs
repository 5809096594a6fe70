namespace Softr.Users;

/// <summary>The Softr Users Management API (<c>studio-api.softr.io/v1/api</c>).</summary>
public interface ISoftrUsersClient
{
    /// <summary>Creates a user; an email Softr already has yields <see cref="CreateUserOutcome.AlreadyExists"/>.</summary>
    /// <exception cref="SoftrApiException">Softr refused the call for any other reason.</exception>
    Task<CreateUserResult> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default);
}
