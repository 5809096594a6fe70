namespace Softr.Functions.Webhooks;

/// <summary>
/// One named webhook endpoint, <c>POST /api/hooks/{name}</c>: who sends to it, how that sender proves
/// itself, and where its events go. Defined in <c>hooks.json</c> beside host.json; any field can be
/// overridden by app settings (<c>Webhooks__Hooks__{name}__Sender</c>, ...).
/// </summary>
public sealed class HookDefinition
{
    public const string DefaultSecretHeader = "X-Webhook-Secret";

    /// <summary>The sender kind: <c>shared-secret</c>, <c>stripe</c>, <c>standard-webhooks</c>, <c>typeform</c>, ...</summary>
    public string Sender { get; set; } = Senders.SharedSecretSender.KindName;

    /// <summary>
    /// The names of the app settings that hold the hook's secrets; never the secrets themselves. More
    /// than one lets a secret be rotated without downtime: add the new one, switch the sender, remove the old.
    /// </summary>
    public List<string> SecretSettings { get; init; } = [];

    /// <summary>For <c>shared-secret</c> hooks: the header that carries the secret.</summary>
    public string SecretHeader { get; set; } = DefaultSecretHeader;

    /// <summary>
    /// For <c>shared-secret</c> hooks whose sender cannot set a header: also take the secret as
    /// <c>?token=</c> in the URL. Off by default: a URL is kept in logs (the sender's, proxies', ours),
    /// browser history and <c>Referer</c> headers, so a secret in it leaks more easily than one in a header.
    /// </summary>
    public bool AllowQueryToken { get; set; }

    /// <summary>
    /// The schema the payload must satisfy: the built-in <c>signup</c> (<c>{"email", "full_name"}</c>,
    /// FluentValidation), or a JSON Schema file beside hooks.json (<c>schemas/contact-form.schema.json</c>,
    /// see <see cref="PayloadSchemas"/>; errors keyed by JSON pointer). Empty accepts any JSON object.
    /// </summary>
    public string? Schema { get; set; }

    /// <summary>
    /// The event types the hook handles (the sender's own names, e.g. <c>checkout.session.completed</c>).
    /// Other types are answered 200 "ignored" and queued nowhere; empty handles every type.
    /// </summary>
    public List<string> Events { get; init; } = [];

    /// <summary>
    /// What the sender is told when an event's values break an action's input rules: <c>Refuse</c> (422
    /// with the errors, nothing queued) or <c>DeadLetter</c> (200; dead-lettered with cause
    /// <c>invalid-input</c> before any Softr call, for replay). <c>Default</c> lets the sender kind decide:
    /// refuse for shared-secret hooks (a person sees the answer), dead-letter for signed senders (servers
    /// that retry any non-2xx for days).
    /// </summary>
    public InvalidInputPolicy InvalidInput { get; set; } = InvalidInputPolicy.Default;

    /// <summary>
    /// For senders without event ids (shared secrets, HTML forms, Zapier and Make steps): a dotted path in
    /// the payload (<c>submission.id</c>) whose value identifies the event. Repeats within
    /// <see cref="IdempotencyKeyWindow"/> are the same event. An <c>Idempotency-Key</c> header, where the
    /// sender's proof covers headers, wins over it.
    /// </summary>
    public string? IdempotencyKeyPath { get; set; }

    /// <summary>How long an explicit key (the <c>Idempotency-Key</c> header, or <see cref="IdempotencyKeyPath"/>) names one event.</summary>
    public TimeSpan IdempotencyKeyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// For senders without event ids and without an explicit key: how long the exact same body counts as a
    /// repeat of one delivery (a sender's retries), rather than a new event. After it, the same body is a
    /// new event: a person who signs up again after their user was deleted is served again.
    /// </summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How urgent the hook's events are: <c>high</c> (someone waits: a paid checkout's onboarding), <c>normal</c> or
    /// <c>bulk</c> (imports and syncs). It names the lane the events travel in (<see cref="Events.EventLane"/>) and
    /// their place in line at the Softr budget; an automation of the hook may raise it for the events it matches.
    /// </summary>
    public string Priority { get; set; } = "normal";

    /// <summary>For senders whose signatures carry a timestamp without a fixed window: how far from now it may be.</summary>
    public int ToleranceSeconds { get; set; } = 300;

    /// <summary>Bodies above this size are refused with 413 before they are read further.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;
}
