using FluentValidation;
using Microsoft.Extensions.Options;

namespace Softr.Functions.Processing;

/// <summary>
/// Checks <see cref="ProcessingOptions"/> when the app starts, each message naming the setting, with
/// the rules that span settings: a Softr call's attempt must fit in its total time, and a wait for
/// shared budget must end before the call's total time does (or every wait would end as a time-out).
/// </summary>
public sealed class ProcessingOptionsValidator : AbstractValidator<ProcessingOptions>, IValidateOptions<ProcessingOptions>
{
    /// <summary>Azure Storage queues hide a message for at most seven days.</summary>
    private static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7);

    private const string Prefix = ProcessingOptions.SectionName + ":";

    public ProcessingOptionsValidator(IOptions<SoftrClientOptions> softr)
    {
        ArgumentNullException.ThrowIfNull(softr);
        RuleFor(options => options.MaxAttempts).InclusiveBetween(1, 100)
            .WithMessage($"{Prefix}MaxAttempts must be between 1 and 100.");
        // Zero delays are allowed: "again at once" (the tests use it).
        RuleFor(options => options.RetryBaseDelay).GreaterThanOrEqualTo(TimeSpan.Zero)
            .WithMessage($"{Prefix}RetryBaseDelay must not be negative.");
        RuleFor(options => options.MaxRetryDelay).InclusiveBetween(TimeSpan.Zero, MaxQueueDelay)
            .WithMessage($"{Prefix}MaxRetryDelay must be between 0 and 7 days (a queue message can be hidden for at most 7 days).");
        RuleFor(options => options.RetryBaseDelay).LessThanOrEqualTo(options => options.MaxRetryDelay)
            .WithMessage($"{Prefix}RetryBaseDelay must not be more than {Prefix}MaxRetryDelay.");
        RuleFor(options => options.LeaseDuration).GreaterThanOrEqualTo(TimeSpan.FromSeconds(10))
            .WithMessage($"{Prefix}LeaseDuration must be at least 10 seconds.");
        RuleFor(options => options.BusyRetryDelay).InclusiveBetween(TimeSpan.Zero, MaxQueueDelay)
            .WithMessage($"{Prefix}BusyRetryDelay must be between 0 and 7 days.");
        RuleFor(options => options.MaxDeferral).GreaterThan(TimeSpan.Zero)
            .WithMessage($"{Prefix}MaxDeferral must be more than zero.");
        // A step's Softr call (its budget wait included) must end within the lease, or another copy could
        // take the event over mid-call. Renewal is per step, and the started mark checks the lease too.
        RuleFor(options => options.LeaseDuration)
            .Must(lease => lease > softr.Value.TotalTimeout)
            .WithMessage(options => $"{Prefix}LeaseDuration ({options.LeaseDuration}) must be more than Softr:TotalTimeout ({softr.Value.TotalTimeout}), or another copy could take an event over during one call.");
        RuleFor(options => options.BudgetSeats).InclusiveBetween(1, 10_000)
            .WithMessage($"{Prefix}BudgetSeats must be between 1 and 10000.");
        RuleFor(options => options.SchemaCacheDuration).GreaterThanOrEqualTo(TimeSpan.Zero)
            .WithMessage($"{Prefix}SchemaCacheDuration must not be negative.");
        RuleFor(options => options.MaxBudgetWait)
            .Must(wait => wait > TimeSpan.Zero && wait < softr.Value.TotalTimeout)
            .WithMessage(options => $"{Prefix}MaxBudgetWait ({options.MaxBudgetWait}) must be more than zero and less than Softr:TotalTimeout ({softr.Value.TotalTimeout}), or a wait for budget would use up the call's whole time.");
        RuleFor(options => options)
            .Must(_ => softr.Value.AttemptTimeout <= softr.Value.TotalTimeout)
            .WithMessage($"Softr:AttemptTimeout ({softr.Value.AttemptTimeout}) must not be more than Softr:TotalTimeout ({softr.Value.TotalTimeout}).");
    }

    public ValidateOptionsResult Validate(string? name, ProcessingOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }
}
