namespace Softr.Users;

/// <summary>What a delete did: Softr answers 404 for an email it does not know.</summary>
public enum DeleteUserOutcome
{
    /// <summary>Softr deleted the user.</summary>
    Deleted,
    /// <summary>Softr had no user with the e-mail (answered 404).</summary>
    NotFound,
}
