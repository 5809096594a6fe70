using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.activate</c>: Activate the user.</summary>
public sealed class UserActivate : UserEmailAction
{
    public override string Name => SoftrActions.UserActivate;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.ActivateUser];

    public override string Description => "Activate the user.";

    protected override async Task CallAsync(string email, Dictionary<string, string?> results, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Users.ActivateUserAsync(email, cancellationToken).ConfigureAwait(false);
    }
}
