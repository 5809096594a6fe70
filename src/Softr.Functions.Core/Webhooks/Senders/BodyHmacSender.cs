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

    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url)
    {
        var signature = Signatures.HmacSha256(secret, body);
        return new Dictionary<string, string> { [signatureHeader] = prefix + (hex ? Convert.ToHexStringLower(signature) : Convert.ToBase64String(signature)) };
    }
}
