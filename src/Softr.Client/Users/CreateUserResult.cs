namespace Softr.Users;

/// <summary>
/// What a create did. Softr's create is not an upsert: an email it already knows is a distinct,
/// expected outcome rather than an error, so that onboarding flows can carry on without creating twice.
/// </summary>
public sealed record CreateUserResult(CreateUserOutcome Outcome, SoftrUser? User)
{
    public static CreateUserResult Created(SoftrUser user) => new(CreateUserOutcome.Created, user);

    public static CreateUserResult AlreadyExists() => new(CreateUserOutcome.AlreadyExists, null);
}

public enum CreateUserOutcome
{
    Created,
    AlreadyExists,
}
