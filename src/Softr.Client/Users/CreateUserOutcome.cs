namespace Softr.Users;

/// <summary>What a create did.</summary>
public enum CreateUserOutcome
{
    /// <summary>Softr created the user.</summary>
    Created,

    /// <summary>Softr already had a user with the e-mail; nothing was changed.</summary>
    AlreadyExists,
}
