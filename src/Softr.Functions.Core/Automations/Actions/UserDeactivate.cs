using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.deactivate</c>: Deactivate the user.</summary>
public sealed class UserDeactivate : UserEmailAction
{
    public override string Name => SoftrActions.UserDeactivate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.DeactivateUser];

    public override string Description => "Deactivate the user.";

    protected override async Task CallAsync(string email, Dictionary<string, string?> results, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Users.DeactivateUserAsync(email, cancellationToken).ConfigureAwait(false);
    }
}
