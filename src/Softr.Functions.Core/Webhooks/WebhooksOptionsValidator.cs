using FluentValidation;
using Microsoft.Extensions.Options;
using Softr.Functions.Privacy;
using Softr.Functions.Events;
using Softr.Functions.Webhooks.Senders;

namespace Softr.Functions.Webhooks;

/// <summary>
/// Checks the hook definitions when the app starts, so that a bad hook stops the app with a message
/// naming the hook, the field and the problem, instead of failing deliveries later.
/// </summary>
public sealed class WebhooksOptionsValidator : AbstractValidator<WebhooksOptions>, IValidateOptions<WebhooksOptions>
{
    private const string Prefix = WebhooksOptions.SectionName + ":Hooks:";

    /// <param name="retention">
    /// What storage keeps: a repeat within a hook's window is answered with the id it repeats, so the window may not
    /// outlast the event it points to, or the tombstone that keeps an erased person's event from running again.
    /// </param>
    public WebhooksOptionsValidator(HookSecrets secrets, WebhookSenders senders, PayloadSchemas.Folder schemaFolder, IOptions<RetentionOptions>? retention = null)
    {
        ArgumentNullException.ThrowIfNull(schemaFolder);
        var (kept, keptBy) = retention?.Value switch
        {
            null => (TimeSpan.MaxValue, ""),
            { } keeps when keeps.Events < keeps.Tombstones => (keeps.Events, "Retention:Events"),
            { } keeps => (keeps.Tombstones, "Retention:Tombstones"),
        };
        RuleFor(options => options.FloodPacePerSecond)
            .GreaterThan(0)
            .WithMessage("Webhooks:FloodPacePerSecond must be more than 0 (events a second a hook may send before it overflows).");
        RuleFor(options => options.FloodBurst)
            .GreaterThanOrEqualTo(1)
            .WithMessage("Webhooks:FloodBurst must be at least 1.");
        RuleForEach(options => options.Hooks).ChildRules(hook =>
        {
            hook.RuleFor(entry => entry.Key)
                .Matches("^[A-Za-z0-9_-]{1,64}$")
                .WithMessage(entry => $"Hook '{entry.Key}': the name must be 1-64 letters, digits, '-' or '_' (it is a URL segment).");
            hook.RuleFor(entry => entry.Value.Sender)
                .Must(kind => senders.Find(kind) is not null)
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:Sender '{entry.Value.Sender}' is not a known sender; use one of: {string.Join(", ", senders.Kinds)}.");
            hook.RuleFor(entry => entry.Value.SecretSettings)
                .NotEmpty()
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:SecretSettings must name at least one app setting that holds the secret.");
            hook.RuleForEach(entry => entry.Value.SecretSettings)
                .Must(secrets.IsConfigured)
                .WithMessage((entry, setting) => $"Hook '{entry.Key}': {Prefix}{entry.Key}:SecretSettings names the app setting '{setting}', which is not set.");
            hook.RuleForEach(entry => entry.Value.SecretSettings)
                .Must(setting => !secrets.IsDemoSecretWithRealSoftr(setting))
                .WithMessage((entry, setting) => $"Hook '{entry.Key}': the app setting '{setting}' holds the local run's documented demo secret, and Softr:ApiKey is not the sandbox's: set a secret of your own (for example `openssl rand -hex 32`).");
            hook.RuleFor(entry => entry.Value)
                .Must(definition => !string.Equals(definition.Sender, SharedSecretSender.KindName, StringComparison.OrdinalIgnoreCase) || secrets.For(definition).All(secret => secret.Length >= 16))
                .WithMessage(entry => $"Hook '{entry.Key}': a shared secret must be at least 16 characters (check the app settings named in {Prefix}{entry.Key}:SecretSettings).");
            hook.RuleFor(entry => entry.Value.Schema)
                .Must(schema => string.IsNullOrEmpty(schema) || schema == HookSchemas.Signup || PayloadSchemas.IsFile(schema))
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:Schema '{entry.Value.Schema}' is unknown; use '{HookSchemas.Signup}', a JSON Schema file beside hooks.json (e.g. 'schemas/contact-form.schema.json'), or leave it empty.");
            hook.RuleFor(entry => entry.Value.Schema)
                .Must(schema => PayloadSchemas.LoadProblem(schemaFolder.Path, schema!) is null)
                .When(entry => PayloadSchemas.IsFile(entry.Value.Schema))
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:Schema: {PayloadSchemas.LoadProblem(schemaFolder.Path, entry.Value.Schema!)}");
            hook.RuleFor(entry => entry.Value.SecretHeader)
                .NotEmpty()
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:SecretHeader must name a header.");
            hook.RuleFor(entry => entry.Value.Priority)
                .Must(priority => EventLane.Parse(priority) is not null)
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:Priority '{entry.Value.Priority}' is not a priority; use one of: {EventLane.Names}.");
            hook.RuleFor(entry => entry.Value.MaxBodyBytes)
                .InclusiveBetween(1, 100 * 1024 * 1024)
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:MaxBodyBytes must be between 1 and 104857600.");
            hook.RuleFor(entry => entry.Value.DedupeWindow)
                .InclusiveBetween(TimeSpan.FromSeconds(1), TimeSpan.FromDays(7))
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:DedupeWindow must be between 1 second and 7 days (a sender's retries of one delivery; longer would swallow genuine repeats).");
            hook.RuleFor(entry => entry.Value.IdempotencyKeyWindow)
                .InclusiveBetween(TimeSpan.FromMinutes(1), TimeSpan.FromDays(30))
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:IdempotencyKeyWindow must be between 1 minute and 30 days.");
            hook.RuleFor(entry => entry.Value)
                .Must(definition => definition.DedupeWindow <= kept && definition.IdempotencyKeyWindow <= kept)
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:DedupeWindow and IdempotencyKeyWindow must be no longer than {keptBy} ({kept}): a repeat within the window is taken for the event it repeats, which must still be there (and, if its person was erased, still tombstoned).");
            hook.RuleFor(entry => entry.Value.IdempotencyKeyPath)
                .Must(path => path is null || (path.Length <= 256 && path.Split('.').All(segment => segment.Length > 0)))
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:IdempotencyKeyPath '{entry.Value.IdempotencyKeyPath}' must be a dotted path into the payload, e.g. 'submission.id'.");
            hook.RuleFor(entry => entry.Value.ToleranceSeconds)
                .InclusiveBetween(1, 24 * 3600)
                .WithMessage(entry => $"Hook '{entry.Key}': {Prefix}{entry.Key}:ToleranceSeconds must be between 1 and 86400.");
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
