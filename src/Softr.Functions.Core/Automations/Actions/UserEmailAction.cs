using FluentValidation;

namespace Softr.Functions.Automations.Actions;

/// <summary>
/// The shape the Users API's one-address operations share (invite, activate, deactivate, delete, magic
/// link): one <c>email</c> input under the e-mail rule, the address as a result. A subclass names itself
/// and makes its call.
/// </summary>
public abstract class UserEmailAction : SoftrAction<UserEmailAction.Input>
{
    public sealed record Input(string Email);

    private static readonly Validator Shared = new();

    protected sealed override IValidator<Input> Rules => Shared;

    public override IReadOnlyList<string> Outputs => [SoftrActions.Email];

    protected sealed override async Task<Dictionary<string, string?>> RunAsync(Input input, StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var results = Results();
        results[SoftrActions.Email] = input.Email;
        await CallAsync(input.Email, results, context, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>The Softr call for <paramref name="email"/>; any result besides the address goes in <paramref name="results"/>.</summary>
    protected abstract Task CallAsync(string email, Dictionary<string, string?> results, StepContext context, CancellationToken cancellationToken);

    private sealed class Validator : AbstractValidator<Input>
    {
        public Validator() => RuleFor(input => input.Email).Meets(InputRules.Email);
    }
}
