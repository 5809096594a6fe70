using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.magicLink</c>: a new sign-in link for the user (a credential: stored encrypted, never shown).</summary>
public sealed class UserMagicLink : UserEmailAction
{
    public override string Name => SoftrActions.UserMagicLink;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GenerateMagicLink];

    public override string Description => "Generate a sign-in link for the user.";

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email, SoftrActions.MagicLink];

    public override IReadOnlyList<string> SecretOutputs => [SoftrActions.MagicLink];

    protected override async Task CallAsync(string email, Dictionary<string, string?> results, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(context);
        var link = await context.Users.GenerateMagicLinkAsync(email, cancellationToken).ConfigureAwait(false);
        results[SoftrActions.MagicLink] = link.AbsoluteUri;
    }
}
