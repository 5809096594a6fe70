using FluentValidation;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Refuses at the door what Softr would refuse later (it answers a bare "Something went wrong" for an
/// empty name or email), so the sender's developer gets field errors they can act on. The address is
/// held to the one e-mail rule (<see cref="EmailAddresses.Check"/>), the same as every action's input.
/// Property names are the JSON names the sender used; messages never repeat the value (a 400 is logged,
/// and an address is personal data).
/// </summary>
public sealed class SignupPayloadValidator : AbstractValidator<SignupPayload>
{
    public const int MaxEmailLength = EmailAddresses.MaxLength;
    public const int MaxFullNameLength = 200;

    public SignupPayloadValidator()
    {
        RuleFor(payload => payload.Email)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("An email is required.")
            .MaximumLength(MaxEmailLength).WithMessage($"The email must be at most {MaxEmailLength} characters.")
            .Must(email => EmailAddresses.Check(email!) is null).WithMessage("The email is not a valid e-mail address (local@domain.tld).")
            .OverridePropertyName("email");

        RuleFor(payload => payload.FullName)
            .NotEmpty().WithMessage("A full name is required.")
            .MaximumLength(MaxFullNameLength).WithMessage($"The full name must be at most {MaxFullNameLength} characters.")
            .OverridePropertyName("full_name");
    }
}
