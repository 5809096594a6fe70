using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.invite</c>: Send the user Softr's invitation e-mail. Not repeated after an unknown outcome (a second e-mail).</summary>
public sealed class UserInvite : UserEmailAction
{
    public override string Name => SoftrActions.UserInvite;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.InviteUser];

    public override string Description => "Send the user Softr's invitation e-mail. Not repeated after an unknown outcome (a second e-mail).";

    protected override async Task CallAsync(string email, Dictionary<string, string?> results, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Users.InviteUserAsync(email, cancellationToken).ConfigureAwait(false);
    }
}
