using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// How one kind of sender proves a delivery is its own. Implementations check over the raw bytes,
/// compare in constant time, accept any of the configured secrets (so a secret can be rotated), and
/// refuse timestamps outside the sender's window where the scheme has one.
/// </summary>
public abstract class WebhookSender
{
    /// <summary>The <c>sender</c> value in a hook definition, e.g. <c>stripe</c>.</summary>
    public abstract string Kind { get; }

    /// <param name="hook">The hook's definition, for settings such as the secret header.</param>
    /// <param name="secrets">The hook's current secrets (more than one while a secret is being rotated).</param>
    public abstract SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now);

    /// <summary>
    /// The headers this sender sends with <paramref name="body"/>, signed with <paramref name="secret"/> at
    /// <paramref name="now"/> for <paramref name="url"/>: the other side of <see cref="Check"/>, kept beside it, so that
    /// test deliveries (the property tests, the fuzz harness) are signed by the sender's own code, whatever the sender.
    /// </summary>
    public abstract IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url);

    /// <summary>The sender's event id and type, where its payload or headers carry them.</summary>
    public virtual EventIdentity Identify(JsonElement payload, Func<string, string?> headers) => EventIdentity.Unknown;

    /// <summary>
    /// The events one delivery carries: the payload itself for most senders; each item of a batch for
    /// senders that batch (HubSpot). Null when a batch holds something that is not an event object.
    /// </summary>
    public virtual IReadOnlyList<JsonElement>? Split(JsonElement payload) => [payload];

    /// <summary>
    /// What a well-signed event whose values break an action's input rules gets, unless the hook says
    /// otherwise. Signed senders are servers that retry any non-2xx for days, so they get 200 and the
    /// event is dead-lettered for an operator; senders driven by a person (forms, Zapier and Make steps,
    /// Softr buttons) get 422 with the errors, which that person can act on.
    /// </summary>
    public virtual InvalidInputPolicy InvalidInputDefault => InvalidInputPolicy.DeadLetter;

    /// <summary>
    /// Whether the sender's proof covers the whole request: a secret only the sender holds (a shared secret,
    /// basic credentials) vouches for every header as much as for the body, so an <c>Idempotency-Key</c>
    /// header is the sender's own word. A signature vouches only for what it signs, so its senders'
    /// unsigned headers are never read for identity, type or time.
    /// </summary>
    public virtual bool VouchesForHeaders => false;

    /// <summary>Whether the sender posts forms (urlencoded or multipart) rather than JSON.</summary>
    public virtual bool AcceptsForms => false;

    /// <summary>Whether the payload may be a JSON array (HubSpot sends batches); otherwise it must be an object.</summary>
    public virtual bool AcceptsArrays => false;

    protected static SenderCheck FirstAuthentic(IReadOnlyList<string> secrets, Func<string, bool> matches, string refusal)
    {
        // Every secret is tried, without stopping at the first match, so timing does not tell which one matched.
        var authentic = false;
        foreach (var secret in secrets)
        {
            authentic |= matches(secret);
        }
        return authentic ? SenderCheck.Authentic : SenderCheck.Refused(refusal);
    }
}
