using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Softr.Functions.Webhooks.Senders;

/// <summary>
/// Standard Webhooks (Svix, Clerk, Resend, ...): <c>webhook-id</c>, <c>webhook-timestamp</c> and
/// <c>webhook-signature</c> (or their <c>svix-</c> names), checked by the StandardWebhooks package
/// with its 5-minute window. Secrets are the sender's <c>whsec_...</c> values.
/// </summary>
public sealed class StandardWebhooksSender : WebhookSender
{
    private static readonly string[] HeaderNames =
        ["webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature"];

    public override string Kind => "standard-webhooks";

    /// <summary>
    /// The id is the one the signature covered: <c>webhook-id</c> when the delivery was checked under the
    /// standard names, <c>svix-id</c> under Svix's (<see cref="IsSvixBranded"/>, the same choice
    /// <see cref="Check"/> makes). A header of the other family is not signed and is never read.
    /// </summary>
    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new(headers(IsSvixBranded(headers) ? "svix-id" : "webhook-id"), EventIdentity.Read(payload, "type"));
    }

    /// <summary>Svix's own header names are used only when the delivery carries a <c>svix-signature</c> and no <c>webhook-signature</c>.</summary>
    private static bool IsSvixBranded(Func<string, string?> headers) => headers("svix-signature") is not null && headers("webhook-signature") is null;

    public override SenderCheck Check(WebhookDelivery delivery, HookDefinition hook, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var headers = new HeaderDictionary();
        foreach (var name in HeaderNames)
        {
            if (delivery.Headers(name) is { } value)
            {
                headers[name] = value;
            }
        }
        var svix = IsSvixBranded(delivery.Headers);
        var payload = Encoding.UTF8.GetString(delivery.Body.Span);
        return FirstAuthentic(secrets, secret => IsValid(secret, svix, payload, headers),
            "The webhook-signature does not match, a webhook-* header is missing, or webhook-timestamp is more than 5 minutes from now.");
    }

    private static bool IsValid(string secret, bool svix, string payload, HeaderDictionary headers)
    {
        try
        {
            var options = svix ? WebhookConfigurationOptions.Svix : WebhookConfigurationOptions.StandardWebhooks;
            new StandardWebhook(secret, options).Verify(payload, headers);
            return true;
        }
        catch (Exception exception) when (exception is WebhookVerificationException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <param name="secret">A <c>whsec_...</c> secret. The message id is made from the body, so the same body is the same message.</param>
    public override IReadOnlyDictionary<string, string> Sign(byte[] body, string secret, DateTimeOffset now, string url)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var id = "msg_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))[..16];
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        return new Dictionary<string, string>
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = ts,
            ["webhook-signature"] = "v1," + Convert.ToBase64String(Signatures.HmacSha256(key, Signatures.Concat($"{id}.{ts}.", body))),
        };
    }
}
