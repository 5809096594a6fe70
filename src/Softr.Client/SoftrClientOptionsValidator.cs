using FluentValidation;
using Microsoft.Extensions.Options;

namespace Softr;

/// <summary>
/// Checks <see cref="SoftrClientOptions"/> when the app starts, each message naming the setting (and its app
/// setting where one must be set): the ranges, and the rule across settings the client itself needs, that one
/// attempt fits in a call's total time.
/// </summary>
public sealed class SoftrClientOptionsValidator : AbstractValidator<SoftrClientOptions>, IValidateOptions<SoftrClientOptions>
{
    private const string Prefix = SoftrClientOptions.SectionName + ":";

    /// <summary>The rules, each with its message.</summary>
    public SoftrClientOptionsValidator()
    {
        RuleFor(options => options.ApiKey).NotEmpty()
            .WithMessage($"{Prefix}ApiKey (app setting Softr__ApiKey) is required: the Softr API key.");
        RuleFor(options => options.Domain).NotEmpty()
            .WithMessage($"{Prefix}Domain (app setting Softr__Domain) is required: the published Softr app's domain, e.g. myapp.softr.app.");
        RuleFor(options => options.UsersApiBaseUrl).Must(IsAbsoluteHttp)
            .WithMessage($"{Prefix}UsersApiBaseUrl must be an absolute http(s) URL.");
        RuleFor(options => options.DatabaseApiBaseUrl).Must(IsAbsoluteHttp)
            .WithMessage($"{Prefix}DatabaseApiBaseUrl must be an absolute http(s) URL.");
        RuleFor(options => options.ReadsPerSecond).InclusiveBetween(1, 100_000)
            .WithMessage($"{Prefix}ReadsPerSecond must be between 1 and 100000.");
        RuleFor(options => options.WritesPerSecond).InclusiveBetween(1, 100_000)
            .WithMessage($"{Prefix}WritesPerSecond must be between 1 and 100000.");
        RuleFor(options => options.MaxQueuedCalls).InclusiveBetween(0, 1_000_000)
            .WithMessage($"{Prefix}MaxQueuedCalls must be between 0 and 1000000.");
        RuleFor(options => options.MaxRetries).InclusiveBetween(0, 20)
            .WithMessage($"{Prefix}MaxRetries must be between 0 and 20.");
        RuleFor(options => options.RetryBaseDelay).InclusiveBetween(TimeSpan.Zero, TimeSpan.FromMinutes(10))
            .WithMessage($"{Prefix}RetryBaseDelay must be between 00:00:00 and 00:10:00.");
        RuleFor(options => options.AttemptTimeout).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}AttemptTimeout must be between 00:00:00.010 and 01:00:00.");
        RuleFor(options => options.TotalTimeout).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}TotalTimeout must be between 00:00:00.010 and 01:00:00.");
        RuleFor(options => options.AttemptTimeout).LessThanOrEqualTo(options => options.TotalTimeout)
            .WithMessage(options => $"{Prefix}AttemptTimeout ({options.AttemptTimeout}) must not be more than {Prefix}TotalTimeout ({options.TotalTimeout}).");
        RuleFor(options => options.CircuitBreakDuration).InclusiveBetween(TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1))
            .WithMessage($"{Prefix}CircuitBreakDuration must be between 00:00:00.500 and 01:00:00.");
    }

    /// <summary>The rules as options validation: every broken rule's message, so that the start fails naming each setting.</summary>
    public ValidateOptionsResult Validate(string? name, SoftrClientOptions options)
    {
        var result = Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }

    private static bool IsAbsoluteHttp(Uri? url) => url is { IsAbsoluteUri: true } && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
}
