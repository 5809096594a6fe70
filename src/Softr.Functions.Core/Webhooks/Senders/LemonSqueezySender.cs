using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>Lemon Squeezy: <c>X-Signature</c>, hex HMAC-SHA256 of the body.</summary>
public sealed class LemonSqueezySender() : BodyHmacSender(SignatureHeader, hex: true)
{
    public const string SignatureHeader = "X-Signature";

    /// <summary>Lemon Squeezy repeats the event's name in this header; it is not signed, so it is only ever checked against the body.</summary>
    public const string EventNameHeader = "X-Event-Name";

    public override string Kind => "lemonsqueezy";

    /// <summary>
    /// Lemon Squeezy sends no delivery id. What identifies an event is its name and the object it is
    /// about (<c>meta.event_name</c>, <c>data.type</c>, <c>data.id</c>), plus the object's
    /// <c>updated_at</c>: a subscription is updated many times, and each update is a new event, while a
    /// retry of one delivery carries the same values. Without an object id the body's hash is the key.
    /// The type is the signed <c>meta.event_name</c>; an <c>X-Event-Name</c> header that says otherwise is
    /// refused (a signed refund sent with <c>X-Event-Name: order_created</c> must not run the order automation).
    /// </summary>
    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var name = EventIdentity.Read(payload, "meta", "event_name");
        if (headers(EventNameHeader) is { } claimed && !string.Equals(claimed.Trim(), name, StringComparison.Ordinal))
        {
            return EventIdentity.Refused($"The '{EventNameHeader}' header does not match the signed meta.event_name; the event's type is taken only from what is signed.");
        }
        var objectId = EventIdentity.Read(payload, "data", "id");
        var key = name is null || objectId is null
            ? null
            : $"{name}:{EventIdentity.Read(payload, "data", "type")}:{objectId}:{EventIdentity.Read(payload, "data", "attributes", "updated_at")}";
        return new(key, name);
    }
}
