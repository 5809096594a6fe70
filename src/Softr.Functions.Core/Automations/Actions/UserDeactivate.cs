using Softr.Functions.Processing;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.deactivate</c>: Deactivate the user.</summary>
public sealed class UserDeactivate : SoftrAction
{
    public override string Name => SoftrActions.UserDeactivate;

    public override ActionKind Kind => ActionKind.Write;

    public override string Description => "Deactivate the user.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [Input(SoftrActions.Email, InputRules.Email)];

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var email = call.Input(SoftrActions.Email);
        await context.Users.DeactivateUserAsync(email, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.Email] = email;
        return outputs;
    }
}
