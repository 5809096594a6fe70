using FluentValidation;
using Microsoft.Extensions.Options;

namespace Softr.Functions.Privacy;

/// <summary>Checks <see cref="RetentionOptions"/> at start-up: nothing below the dedupe horizon, and payloads kept as long as what replays from them.</summary>
public sealed class RetentionOptionsValidator : AbstractValidator<RetentionOptions>, IValidateOptions<RetentionOptions>
{
    private const string Prefix = RetentionOptions.SectionName + ":";

    public RetentionOptionsValidator()
    {
        RuleFor(options => options.Events).GreaterThanOrEqualTo(RetentionOptions.DedupeHorizon)
            .WithMessage($"{Prefix}Events must be at least 72 hours: an event's row is how a sender's redelivery is recognised (Stripe retries for three days).");
        RuleFor(options => options.DeadLetters).GreaterThanOrEqualTo(RetentionOptions.DedupeHorizon)
            .WithMessage($"{Prefix}DeadLetters must be at least 72 hours.");
        RuleFor(options => options.Payloads).Must((options, payloads) => payloads >= options.DeadLetters && payloads >= options.Events)
            .WithMessage($"{Prefix}Payloads must be at least {Prefix}DeadLetters and {Prefix}Events: replays read the payload blob.");
    }

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }
}
