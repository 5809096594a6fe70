using System.Globalization;
using System.Text.Json;

namespace Softr.Functions.Webhooks.Senders;

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

    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url)
    {
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, string> { [SignatureHeader] = $"ts={ts};h1={Convert.ToHexStringLower(Signatures.HmacSha256(secret, Signatures.Concat($"{ts}:", body)))}" };
    }
}
