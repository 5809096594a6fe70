using System.Text.Json;
using System.Globalization;
using System.Text;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// The senders that sign only the body: an HMAC-SHA256 of the raw bytes, keyed by the secret, in one
/// header, in hex or base64, after an optional prefix. None of them carries a timestamp.
/// </summary>
public abstract class BodyHmacSender(string signatureHeader, bool hex, string prefix = "") : WebhookSender
{
    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var header = delivery.Headers(signatureHeader);
        var presented = header is not null && header.StartsWith(prefix, StringComparison.Ordinal) ? header[prefix.Length..] : null;
        return FirstAuthentic(secrets, secret =>
            {
                var expected = Signatures.HmacSha256(secret, delivery.Body.Span);
                return hex ? Signatures.HexEquals(presented, expected) : Signatures.Base64Equals(presented, expected);
            },
            $"The '{signatureHeader}' header is missing or does not match the body.");
    }
}

/// <summary>Typeform: <c>Typeform-Signature: sha256=</c> base64 HMAC-SHA256 of the body.</summary>
public sealed class TypeformSender() : BodyHmacSender(SignatureHeader, hex: false, prefix: "sha256=")
{
    public const string SignatureHeader = "Typeform-Signature";

    public override string Kind => "typeform";

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "event_id"), EventIdentity.Read(payload, "event_type"));
}

/// <summary>Tally: <c>Tally-Signature</c>, base64 HMAC-SHA256 of the body (sent only when a secret is set).</summary>
public sealed class TallySender() : BodyHmacSender(SignatureHeader, hex: false)
{
    public const string SignatureHeader = "Tally-Signature";

    public override string Kind => "tally";

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "eventId"), EventIdentity.Read(payload, "eventType"));
}

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

/// <summary>
/// Paddle Billing: <c>Paddle-Signature: ts=...;h1=...</c>, hex HMAC-SHA256 of <c>"{ts}:{body}"</c>; any
/// h1 may match (Paddle sends several while a secret rotates). Paddle's SDKs allow 5 s of skew; deliveries
/// cross the internet and queues, so the window here is the hook's <c>ToleranceSeconds</c> (default 300).
/// </summary>
public sealed class PaddleSender : WebhookSender
{
    public const string SignatureHeader = "Paddle-Signature";

    public override string Kind => "paddle";

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "event_id"), EventIdentity.Read(payload, "event_type"));

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(hook);
        var parts = (delivery.Headers(SignatureHeader) ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).ToList();
        var timestamp = parts.FirstOrDefault(pair => pair[0] == "ts")?[1];
        var signatures = parts.Where(pair => pair[0] == "h1").Select(pair => pair[1]).ToList();
        if (timestamp is null || signatures.Count == 0 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SenderCheck.Refused($"The '{SignatureHeader}' header is missing or malformed (expected ts=...;h1=...).");
        }
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > hook.ToleranceSeconds)
        {
            return SenderCheck.Refused($"The '{SignatureHeader}' timestamp is more than {hook.ToleranceSeconds} s from now.");
        }
        var signed = Signatures.Concat(timestamp + ":", delivery.Body.Span);
        return FirstAuthentic(secrets, secret =>
        {
            var expected = Signatures.HmacSha256(secret, signed);
            var any = false;
            foreach (var signature in signatures)
            {
                any |= Signatures.HexEquals(signature, expected);
            }
            return any;
        }, $"No h1 in '{SignatureHeader}' matches the body.");
    }
}

/// <summary>
/// HubSpot v3: <c>X-HubSpot-Signature-v3</c>, base64 HMAC-SHA256 (keyed by the app's client secret) of
/// method + URL-decoded full URI + body + <c>X-HubSpot-Request-Timestamp</c> (ms), within 5 minutes.
/// </summary>
public sealed class HubSpotSender : WebhookSender
{
    public const string SignatureHeader = "X-HubSpot-Signature-v3";
    public const string TimestampHeader = "X-HubSpot-Request-Timestamp";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public override string Kind => "hubspot";

    public override bool AcceptsArrays => true;

    /// <summary>One item of a batch: its own <c>eventId</c> and <c>subscriptionType</c>.</summary>
    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "eventId"), EventIdentity.Read(payload, "subscriptionType"));

    /// <summary>
    /// HubSpot posts a batch: an array of up to 100 events, mixing subscription types and objects. Each
    /// item is an event of its own (deduplicated, typed, filtered and processed on its own).
    /// </summary>
    public override IReadOnlyList<JsonElement>? Split(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Array)
        {
            return [payload];
        }
        var items = new List<JsonElement>(payload.GetArrayLength());
        foreach (var item in payload.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            items.Add(item);
        }
        return items;
    }

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var timestamp = delivery.Headers(TimestampHeader);
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return SenderCheck.Refused($"The '{TimestampHeader}' header is missing or not a number.");
        }
        // Compared as numbers: an absurd value (9999999999999999) is outside the window, not outside DateTimeOffset.
        if (Math.Abs(now.ToUnixTimeMilliseconds() - milliseconds) > (long)Window.TotalMilliseconds)
        {
            return SenderCheck.Refused($"The '{TimestampHeader}' is more than 5 minutes from now.");
        }
        var signed = Signatures.Concat(delivery.Method.ToUpperInvariant() + Uri.UnescapeDataString(delivery.Url.AbsoluteUri), delivery.Body.Span, timestamp!);
        var presented = delivery.Headers(SignatureHeader);
        return FirstAuthentic(secrets, secret => Signatures.Base64Equals(presented, Signatures.HmacSha256(secret, signed)),
            $"The '{SignatureHeader}' header is missing or does not match.");
    }
}

/// <summary>Pipedrive: HTTP basic credentials set on the webhook. A secret is "user:password".</summary>
public sealed class PipedriveSender : WebhookSender
{
    public override string Kind => "pipedrive";

    /// <summary>Basic credentials only the sender holds vouch for the whole request, headers included.</summary>
    public override bool VouchesForHeaders => true;

    /// <summary>
    /// v2 (<c>meta.version</c> "2.0"): <c>meta.id</c> identifies the notification, <c>meta.entity</c> and
    /// <c>meta.action</c> type it. v1: <c>meta.id</c> is the <em>object's</em> id, shared by every update
    /// of one deal, so the key is what Pipedrive names as identifying a v1 notification: the webhook,
    /// the object and action, the object's id and the change's timestamp (<c>timestamp_micro</c> where
    /// sent). Without a timestamp the body's hash is the key.
    /// </summary>
    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers)
    {
        var entity = EventIdentity.Read(payload, "meta", "entity") ?? EventIdentity.Read(payload, "meta", "object");
        var action = EventIdentity.Read(payload, "meta", "action");
        var type = entity is null || action is null ? null : $"{entity}.{action}";
        var objectId = EventIdentity.Read(payload, "meta", "id");
        if (EventIdentity.Read(payload, "meta", "version") is "2.0")
        {
            return new(objectId, type);
        }
        var timestamp = EventIdentity.Read(payload, "meta", "timestamp_micro") ?? EventIdentity.Read(payload, "meta", "timestamp");
        var key = objectId is null || timestamp is null
            ? null
            : $"v1:{EventIdentity.Read(payload, "meta", "webhook_id")}:{type}:{objectId}:{timestamp}";
        return new(key, type);
    }

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var authorization = delivery.Headers("Authorization");
        string? credentials = null;
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var encoded = authorization["Basic ".Length..].Trim();
            var buffer = new byte[encoded.Length];
            credentials = Convert.TryFromBase64String(encoded, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
        }
        return FirstAuthentic(secrets, secret => Signatures.TextEquals(credentials, secret),
            "The request did not carry valid HTTP basic credentials.");
    }
}
