using System.Text.Json;
using System.Text;
using Stripe;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// Stripe: <c>Stripe-Signature: t=...,v1=...</c>, checked by Stripe.net's own
/// <see cref="EventUtility.ValidateSignature(string, string, string, long, long)"/> with its 300 s
/// tolerance. Only the signature is checked here: the event is not parsed into Stripe.net's model, so an
/// event from a newer Stripe API version is never refused for its version.
/// </summary>
public sealed class StripeSender : WebhookSender
{
    public const string SignatureHeader = "Stripe-Signature";

    public override string Kind => "stripe";

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers) =>
        new(EventIdentity.Read(payload, "id"), EventIdentity.Read(payload, "type"));

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var header = delivery.Headers(SignatureHeader);
        if (string.IsNullOrEmpty(header))
        {
            return SenderCheck.Refused($"The '{SignatureHeader}' header is missing.");
        }
        var json = Encoding.UTF8.GetString(delivery.Body.Span);
        return FirstAuthentic(secrets, secret => IsValid(json, header, secret, now),
            $"The '{SignatureHeader}' signature does not match, or its timestamp is more than {EventUtility.DefaultTimeTolerance} s from now.");
    }

    private static bool IsValid(string json, string header, string secret, DateTimeOffset now)
    {
        try
        {
            EventUtility.ValidateSignature(json, header, secret, EventUtility.DefaultTimeTolerance, now.ToUnixTimeSeconds());
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url)
    {
        var t = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, string> { [SignatureHeader] = $"t={t},v1={Convert.ToHexStringLower(Signatures.HmacSha256(secret, Signatures.Concat($"{t}.", body)))}" };
    }
}
