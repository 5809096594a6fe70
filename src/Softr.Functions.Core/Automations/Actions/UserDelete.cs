using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.delete</c>: Delete the user; one already gone is what the step wanted.</summary>
public sealed class UserDelete : UserEmailAction
{
    public override string Name => SoftrActions.UserDelete;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.DeleteUser];

    public override string Description => "Delete the user; one already gone is what the step wanted.";

    protected override async Task CallAsync(string email, Dictionary<string, string?> results, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        // False means the user was not there: already deleted, which is what the step wanted.
        await context.Users.DeleteUserAsync(email, cancellationToken).ConfigureAwait(false);
    }
}
