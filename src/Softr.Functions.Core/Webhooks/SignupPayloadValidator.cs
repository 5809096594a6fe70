using System.Net.Mail;
using FluentValidation;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Refuses at the door what Softr would refuse later (it answers a bare "Something went wrong" for an
/// empty name or email), so the sender's developer gets field errors they can act on.
/// Property names are the JSON names the sender used.
/// </summary>
public sealed class SignupPayloadValidator : AbstractValidator<SignupPayload>
{
    public const int MaxEmailLength = 254;
    public const int MaxFullNameLength = 200;

    public SignupPayloadValidator()
    {
        RuleFor(payload => payload.Email)
            .NotEmpty().WithMessage("An email is required.")
            .MaximumLength(MaxEmailLength).WithMessage($"The email must be at most {MaxEmailLength} characters.")
            .Must(BeAnEmailAddress).WithMessage("'{PropertyValue}' is not a valid email address.")
            .OverridePropertyName("email");

        RuleFor(payload => payload.FullName)
            .NotEmpty().WithMessage("A full name is required.")
            .MaximumLength(MaxFullNameLength).WithMessage($"The full name must be at most {MaxFullNameLength} characters.")
            .OverridePropertyName("full_name");
    }

    // MailAddress accepts display-name forms ("Ann <ann@x.co>"); only a bare address with a dotted
    // domain is something Softr can send an invitation to.
    private static bool BeAnEmailAddress(string? email) =>
        email is not null
        && MailAddress.TryCreate(email, out var address)
        && string.Equals(address.Address, email, StringComparison.Ordinal)
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');
}
