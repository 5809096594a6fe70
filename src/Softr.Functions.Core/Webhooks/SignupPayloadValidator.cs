using FluentValidation;
using Softr.Functions.Automations;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Refuses at the door what Softr would refuse later (it answers a bare "Something went wrong" for an
/// empty name or email), so the sender's developer gets field errors they can act on. The same rules as
/// the <c>user.create</c> step the signup hook feeds (<see cref="InputRules.Email"/>, and
/// <see cref="InputRules.FullName"/> for the name as the step sends it, stripped). Property names are the
/// JSON names the sender used; messages never repeat the value (a 400 is logged, and an address is personal data).
/// </summary>
public sealed class SignupPayloadValidator : AbstractValidator<SignupPayload>
{
    public SignupPayloadValidator()
    {
        RuleFor(payload => payload.Email)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("An email is required.")
            .Meets(InputRules.Email).WithMessage("The email {Problem}")
            .OverridePropertyName("email");

        RuleFor(payload => payload.FullName)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("A full name is required.")
            .Meets(InputRules.FullName, asSent: name => name.Trim()).WithMessage("The full name {Problem}")
            .OverridePropertyName("full_name");
    }
}
