namespace Softr.Users;

/// <summary>
/// What a create did. Softr's create is not an upsert: an email it already knows is a distinct,
/// expected outcome rather than an error, so that onboarding flows can carry on without creating twice.
/// </summary>
/// <param name="Outcome">Created, or already known.</param>
/// <param name="User">The new user, when created.</param>
public sealed record CreateUserResult(CreateUserOutcome Outcome, SoftrUser? User)
{
    /// <summary>Softr created <paramref name="user"/>.</summary>
    public static CreateUserResult Created(SoftrUser user) => new(CreateUserOutcome.Created, user);

    /// <summary>Softr already had a user with the e-mail; nothing was changed.</summary>
    public static CreateUserResult AlreadyExists() => new(CreateUserOutcome.AlreadyExists, null);
}
