using Softr.Functions.Processing;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.invite</c>: Send the user Softr's invitation e-mail. Not repeated after an unknown outcome (a second e-mail).</summary>
public sealed class UserInvite : SoftrAction
{
    public override string Name => SoftrActions.UserInvite;

    public override ActionKind Kind => ActionKind.Write;

    public override string Description => "Send the user Softr's invitation e-mail. Not repeated after an unknown outcome (a second e-mail).";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [Input(SoftrActions.Email, InputRules.Email)];

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email];

    /// <summary>A second invitation is a second e-mail.</summary>
    public override bool SafeToRepeat => false;

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var email = call.Input(SoftrActions.Email);
        await context.BeforeUnrepeatableCall().ConfigureAwait(false);
        await context.Users.InviteUserAsync(email, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.Email] = email;
        return outputs;
    }
}
