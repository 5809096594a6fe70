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
        // The lease is renewed as each call goes out. The longest it can then go unrenewed: one call's whole time
        // (its budget waits, 429s and retries: Softr:TotalTimeout), plus an upsert's wait for its key's lock
        // before its next call.
        // Shorter than that, another copy could take the event over in the middle of a long step.
        RuleFor(options => options.LeaseDuration)
            .Must(lease => lease > LongestUnrenewed(softr.Value))
            .WithMessage(options => $"{Prefix}LeaseDuration ({options.LeaseDuration}) must be more than {LongestUnrenewed(softr.Value)}: the longest a step's lease can go unrenewed (Softr:TotalTimeout {softr.Value.TotalTimeout}, and an upsert's lock wait of {KeyLocks.MaxWait.TotalSeconds:0} s), or another copy could take an event over in the middle of a step.");
        RuleFor(options => options.BudgetSeats).InclusiveBetween(1, 10_000)
            .WithMessage($"{Prefix}BudgetSeats must be between 1 and 10000.");
        RuleFor(options => options.StorageOutageTolerance).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}StorageOutageTolerance must be between 0 and 1 hour (the queue listener keeps a message for one function run).");
        RuleFor(options => options.SchemaCacheDuration).GreaterThanOrEqualTo(TimeSpan.Zero)
            .WithMessage($"{Prefix}SchemaCacheDuration must not be negative.");
        RuleFor(options => options.MaxBudgetWait)
            .Must(wait => wait > TimeSpan.Zero && wait < softr.Value.TotalTimeout)
            .WithMessage(options => $"{Prefix}MaxBudgetWait ({options.MaxBudgetWait}) must be more than zero and less than Softr:TotalTimeout ({softr.Value.TotalTimeout}), or a wait for budget would use up the call's whole time.");
    }

    /// <summary>The longest a running step's lease can go without a renewal (see the rule on LeaseDuration).</summary>
    internal static TimeSpan LongestUnrenewed(SoftrClientOptions softr) => softr.TotalTimeout + KeyLocks.MaxWait;

    public ValidateOptionsResult Validate(string? name, ProcessingOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }
}
