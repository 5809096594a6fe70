using Softr.Functions.Processing;

namespace Softr.Functions.Automations.Actions;

/// <summary><c>user.delete</c>: Delete the user; one already gone is what the step wanted.</summary>
public sealed class UserDelete : SoftrAction
{
    public override string Name => SoftrActions.UserDelete;

    public override ActionKind Kind => ActionKind.Write;

    public override string Description => "Delete the user; one already gone is what the step wanted.";

    public override IReadOnlyList<ActionInput> Inputs { get; } = [Input(SoftrActions.Email, InputRules.Email)];

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email];

    public override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var email = call.Input(SoftrActions.Email);
        // Deleting a user who is already gone is what the step wanted.
        await context.Users.DeleteUserAsync(email, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.Email] = email;
        return outputs;
    }
}
