using Softr.Functions.Processing;
using Softr.Http;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.magicLink</c>: a new sign-in link for the user (a credential: stored encrypted, never shown).</summary>
public sealed class UserMagicLink : SoftrAction
{
    public override string Name => SoftrActions.UserMagicLink;

    public override IReadOnlyList<SoftrOperation> Operations { get; } = [SoftrOperation.GenerateMagicLink];

    public override string Description => "Generate a sign-in link for the user.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [Input(SoftrActions.Email, InputRules.Email)];

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email, SoftrActions.MagicLink];

    public override IReadOnlyList<string> SecretOutputs => [SoftrActions.MagicLink];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var email = call.Input(SoftrActions.Email);
        var link = await context.Users.GenerateMagicLinkAsync(email, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.Email] = email;
        outputs[SoftrActions.MagicLink] = link.AbsoluteUri;
        return outputs;
    }
}
