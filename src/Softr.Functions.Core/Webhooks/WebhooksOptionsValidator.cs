using FluentValidation;
using Microsoft.Extensions.Options;
using Softr.Functions.Storage;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Checks the hook configuration when the app starts, so that a bad hook stops the app with a
/// message naming the hook and the setting instead of failing requests later.
/// </summary>
public sealed class WebhooksOptionsValidator : AbstractValidator<WebhooksOptions>, IValidateOptions<WebhooksOptions>
{
    public WebhooksOptionsValidator()
    {
        RuleForEach(options => options.Hooks).ChildRules(hook =>
        {
            hook.RuleFor(entry => entry.Key)
                .Matches("^[A-Za-z0-9_-]{1,64}$")
                .WithMessage(entry => $"Hook name '{entry.Key}' must be 1-64 letters, digits, '-' or '_' (it is a URL segment).");
            hook.RuleFor(entry => entry.Value.Secrets)
                .NotEmpty()
                .WithMessage(entry => $"Hook '{entry.Key}': set at least one secret in {WebhooksOptions.SectionName}:Hooks:{entry.Key}:Secrets.");
            hook.RuleForEach(entry => entry.Value.Secrets)
                .Must(secret => secret.Length >= 16)
                .WithMessage(entry => $"Hook '{entry.Key}': every secret in {WebhooksOptions.SectionName}:Hooks:{entry.Key}:Secrets must be at least 16 characters.");
            hook.RuleFor(entry => entry.Value.SecretHeader)
                .NotEmpty()
                .WithMessage(entry => $"Hook '{entry.Key}': {WebhooksOptions.SectionName}:Hooks:{entry.Key}:SecretHeader must name a header.");
            hook.RuleFor(entry => entry.Value.Queue)
                .Must(queue => QueueNames.Listened.Contains(queue))
                .WithMessage(entry => $"Hook '{entry.Key}': queue '{entry.Value.Queue}' has no function listening on it; use one of: {string.Join(", ", QueueNames.Listened)}.");
            hook.RuleFor(entry => entry.Value.MaxBodyBytes)
                .InclusiveBetween(1, 100 * 1024 * 1024)
                .WithMessage(entry => $"Hook '{entry.Key}': MaxBodyBytes must be between 1 and 104857600.");
        });
    }

    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        var result = Validate(options);
        return result.IsValid
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(result.Errors.Select(error => error.ErrorMessage));
    }
}
