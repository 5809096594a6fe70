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
        // A replay keeps the steps that succeeded by reading them from the event: its rows must outlive the dead letter.
        RuleFor(options => options.Events).Must((options, events) => events >= options.DeadLetters)
            .WithMessage($"{Prefix}Events must be at least {Prefix}DeadLetters: a replay reads which steps succeeded from the event's rows, and without them it would run them again.");
        RuleFor(options => options.Tombstones).GreaterThanOrEqualTo(TimeSpan.FromDays(7))
            .WithMessage($"{Prefix}Tombstones must be at least 7 days: a copy of an erased event can arrive that late (senders retry for days; a delayed retry waits up to 7 days on the queue).");
    }

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }
}
