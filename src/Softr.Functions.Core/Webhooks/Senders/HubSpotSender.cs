using System.Globalization;
using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

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

    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url)
    {
        var ms = now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            [TimestampHeader] = ms,
            // The URL as the check reads it: HubSpot signs the decoded, absolute request URI.
            [SignatureHeader] = Convert.ToBase64String(Signatures.HmacSha256(secret, Signatures.Concat("POST" + Uri.UnescapeDataString(new Uri(url).AbsoluteUri), body, ms))),
        };
    }
}
