namespace Softr.Users;

/// <summary>
/// The Softr Users Management API (<c>https://studio-api.softr.io/v1/api</c>): the end users of one
/// published Softr app, identified by <c>Softr-Domain</c>. Every method throws
/// <see cref="SoftrApiException"/> for a failure it does not turn into an outcome.
/// </summary>
public interface ISoftrUsersClient
{
    /// <summary>Creates a user; an email Softr already has yields <see cref="CreateUserOutcome.AlreadyExists"/>.</summary>
    Task<CreateUserResult> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a user for good; an unknown email yields <see cref="DeleteUserOutcome.NotFound"/>.</summary>
    Task<DeleteUserOutcome> DeleteUserAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Lets a deactivated user sign in again.</summary>
    Task ActivateUserAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Stops a user from signing in, keeping the user.</summary>
    Task DeactivateUserAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Emails the user an invitation. Not retried blindly: a repeat sends a second email.</summary>
    Task InviteUserAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>A new passwordless sign-in link for the user. A credential: do not log it.</summary>
    Task<Uri> GenerateMagicLinkAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Syncs the given users from the app's data source, or every user when <paramref name="emails"/> is null.</summary>
    Task SyncUsersAsync(IReadOnlyList<string>? emails = null, CancellationToken cancellationToken = default);
}
