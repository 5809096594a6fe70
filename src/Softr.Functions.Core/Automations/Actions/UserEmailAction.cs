using Softr.Functions.Processing;

namespace Softr.Functions.Automations.Actions;

/// <summary>
/// The shape the Users API's one-address operations share (invite, activate, deactivate, delete): one
/// <c>email</c> input under the e-mail rule, the address as the one result. A subclass names itself
/// and makes its call.
/// </summary>
public abstract class UserEmailAction : SoftrAction
{
    public override IReadOnlyList<ActionInput> Inputs { get; } = [Input(SoftrActions.Email, InputRules.Email)];

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email];

    public sealed override async Task<Dictionary<string, string?>> RunAsync(StepCall call, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(context);
        var email = call.Input(SoftrActions.Email);
        await CallAsync(email, context, cancellationToken).ConfigureAwait(false);
        var outputs = Results();
        outputs[SoftrActions.Email] = email;
        return outputs;
    }

    /// <summary>The Softr call for <paramref name="email"/>.</summary>
    protected abstract Task CallAsync(string email, StepContext context, CancellationToken cancellationToken);
}
