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

    public override EventIdentity Identify(JsonElement payload, Func<string, string?> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new(headers("webhook-id") ?? headers("svix-id"), EventIdentity.Read(payload, "type"));
    }

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
        var svix = headers.ContainsKey("svix-signature") && !headers.ContainsKey("webhook-signature");
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
}
