namespace Softr.Users;

/// <summary>What a delete did: Softr answers 404 for an email it does not know.</summary>
public enum DeleteUserOutcome
{
    Deleted,
    NotFound,
}
